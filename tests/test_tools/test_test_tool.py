"""tools/test.py --show-dir and --tta on the toy configs."""
import glob
import os.path as osp
import subprocess
import sys

import pytest
from mmengine.config import Config
from mmseg.registry import TRANSFORMS
from tiny_checkpoints import save_untrained_checkpoint
from uda_test_utils import REPO_ROOT

ADAPTSEGNET = osp.join(REPO_ROOT,
                       'configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py')
SOURCE_ONLY = osp.join(REPO_ROOT,
                       'configs/source_only/deeplabv2_r18_toy-gta2cs.py')
CONFIGS = sorted(
    c for c in glob.glob(osp.join(REPO_ROOT, 'configs', '*', '*.py'))
    if osp.basename(osp.dirname(c)) != '_base_'
    and not c.endswith('_pipeline.py'))  # stage lists, not models
NUM_VAL_IMAGES = 4  # the toy_workspace fixture
NO_WORKERS = [
    'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False'
]


def run_test_tool(config: str, checkpoint: str, cwd: str, *args: str) -> str:
    proc = subprocess.run([
        sys.executable,
        osp.join(REPO_ROOT, 'tools', 'test.py'), config, checkpoint, *args,
        '--cfg-options', *NO_WORKERS
    ],
                          cwd=cwd,
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def pictures(show_dir: str) -> list:
    return sorted(
        osp.basename(p)
        for p in glob.glob(osp.join(show_dir, 'vis_data', 'vis_image', '*')))


def test_show_dir_draws_every_val_image(toy_workspace, tmp_path):
    checkpoint = save_untrained_checkpoint(ADAPTSEGNET,
                                           str(tmp_path / 'ckpt.pth'))
    show_dir = str(tmp_path / 'show')
    run_test_tool(ADAPTSEGNET, checkpoint, toy_workspace, '--work-dir',
                  str(tmp_path / 'work'), '--show-dir', show_dir)
    val_images = glob.glob(
        osp.join(toy_workspace, 'data/toy/cityscapes/leftImg8bit/val/*/*'))
    assert len(val_images) == NUM_VAL_IMAGES
    drawn = pictures(show_dir)
    assert len(drawn) == NUM_VAL_IMAGES
    for image in val_images:
        assert any(
            name.startswith(f'test_{osp.basename(image)}')
            for name in drawn), image

    every_other = str(tmp_path / 'every_other')
    run_test_tool(ADAPTSEGNET, checkpoint, toy_workspace, '--work-dir',
                  str(tmp_path / 'work2'), '--show-dir', every_other,
                  '--show-interval', '2')
    assert len(pictures(every_other)) == NUM_VAL_IMAGES // 2


@pytest.mark.parametrize(
    'config', [ADAPTSEGNET, SOURCE_ONLY], ids=['adaptsegnet', 'source_only'])
def test_tta(config, toy_workspace, tmp_path):
    checkpoint = save_untrained_checkpoint(config, str(tmp_path / 'ckpt.pth'))
    log = run_test_tool(config, checkpoint, toy_workspace, '--work-dir',
                        str(tmp_path / 'work'), '--tta')
    assert 'SegTTAModel' in log  # the model the runner built
    assert f'Iter(test) [{NUM_VAL_IMAGES}/{NUM_VAL_IMAGES}]' in log
    assert 'mIoU:' in log


@pytest.mark.parametrize(
    'config', CONFIGS, ids=[osp.basename(c) for c in CONFIGS])
def test_every_config_has_a_tta_pipeline(config):
    cfg = Config.fromfile(config)
    if cfg.get('test_dataloader') is None:
        pytest.skip('no test set (a translator config)')
    assert cfg.tta_model.type == 'SegTTAModel'
    pipeline = [TRANSFORMS.build(t) for t in cfg.tta_pipeline]
    aug = pipeline[-1]
    assert type(aug).__name__ == 'TestTimeAug'
    # several scales, each with and without a flip
    assert len(aug.subroutines) >= 4
