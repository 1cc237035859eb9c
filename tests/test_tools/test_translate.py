"""tools/translate.py: layout, labels, resume, atomic writes, sharding."""
import glob
import os
import os.path as osp
import socket
import subprocess
import sys

import mmcv
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS, MODELS
from uda_test_utils import REPO_ROOT

from mmseg_uda.apis import get_dataset_cfg
from mmseg_uda.apis.translate import ImageTranslator, translate_dataset

CONFIG = osp.join(REPO_ROOT, 'configs/translators/cyclegan_toy-gta2cs.py')


init_default_scope('mmseg')


@pytest.fixture(scope='module')
def toy_translator():
    """The toy config's translator (random weights) and its config."""
    cfg = Config.fromfile(CONFIG)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model, cfg


def build_dataset(cfg: Config, key: str, workspace: str):
    dataset_cfg = get_dataset_cfg(cfg, key).copy()
    dataset_cfg['data_root'] = osp.join(workspace, dataset_cfg['data_root'])
    return DATASETS.build(dataset_cfg)


def files_under(root: str) -> list:
    return sorted(
        osp.relpath(path, root)
        for path in glob.glob(osp.join(root, '**', '*'), recursive=True)
        if osp.isfile(path))


class IdentityTranslator(torch.nn.Module):
    """Returns its (preprocessed) input: only pre/post-processing remain."""

    def __init__(self, data_preprocessor):
        super().__init__()
        self.data_preprocessor = data_preprocessor

    def translate(self, inputs):
        return inputs


def test_pre_and_post_processing_round_trip_exactly(toy_translator):
    model, _ = toy_translator
    translator = ImageTranslator(
        IdentityTranslator(model.data_preprocessor))
    image = np.random.default_rng(0).integers(
        0, 256, (30, 42, 3), dtype=np.uint8)
    out = translator(image)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, image)  # BGR order kept


@pytest.mark.parametrize('kwargs', [
    dict(scale=(64, 32)),
    dict(scale_factor=0.5),
])
def test_rescaled_translations_come_back_at_native_size(
        toy_translator, kwargs):
    model, _ = toy_translator
    image = np.zeros((30, 42, 3), dtype=np.uint8)
    assert ImageTranslator(model, **kwargs)(image).shape == image.shape


def test_non_translators_are_refused():
    with pytest.raises(TypeError, match='translate'):
        ImageTranslator(torch.nn.Linear(2, 2))


def test_dataset_is_mirrored_with_translated_images_and_linked_labels(
        toy_translator, toy_workspace, tmp_path):
    model, cfg = toy_translator
    dataset = build_dataset(cfg, 'source_train_dataset', toy_workspace)
    out = str(tmp_path / 'gta5_translated')
    counts = translate_dataset(ImageTranslator(model), dataset, out)
    num = len(dataset)
    assert counts == dict(translated=num, skipped=0, labels=num)
    assert osp.isfile(osp.join(out, 'train.txt'))  # the split file
    for index in range(num):
        info = dataset.get_data_info(index)
        rel = osp.relpath(info['img_path'], dataset.data_root)
        translated = mmcv.imread(osp.join(out, rel))
        source = mmcv.imread(info['img_path'])
        assert translated.shape == source.shape
        assert not np.array_equal(translated, source)
        label = osp.join(out,
                         osp.relpath(info['seg_map_path'], dataset.data_root))
        assert osp.samefile(label, info['seg_map_path'])  # hard link
    # the translated folder is an ordinary dataset: same samples, new root
    copy = DATASETS.build(
        dict(
            get_dataset_cfg(cfg, 'source_train_dataset'),
            data_root=out,
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
                dict(type='PackSegInputs')
            ]))
    assert len(copy) == num
    sample = copy[0]['data_samples']
    assert sample.gt_sem_seg.data.shape[-2:] == sample.img_shape


def test_nested_layouts_and_copied_labels(toy_translator, toy_workspace,
                                          tmp_path):
    model, cfg = toy_translator
    dataset = build_dataset(cfg, 'target_val_dataset', toy_workspace)
    out = str(tmp_path / 'cityscapes_translated')
    translate_dataset(
        ImageTranslator(model), dataset, out, copy_labels=True)
    source_files = files_under(dataset.data_root)
    expected = [
        f for f in source_files
        if f.startswith(('leftImg8bit/val/', 'gtFine/val/')) and f.endswith((
            '_leftImg8bit.png', '_gtFine_labelIds.png'))
    ]
    assert files_under(out) == expected
    label = next(f for f in expected if f.startswith('gtFine'))
    assert not osp.samefile(
        osp.join(out, label), osp.join(dataset.data_root, label))
    with open(osp.join(out, label),
              'rb') as a, open(osp.join(dataset.data_root, label), 'rb') as b:
        assert a.read() == b.read()


def test_second_run_skips_finished_files_and_redoes_partial_ones(
        toy_translator, toy_workspace, tmp_path):
    model, cfg = toy_translator
    translator = ImageTranslator(model)
    dataset = build_dataset(cfg, 'source_train_dataset', toy_workspace)
    out = str(tmp_path / 'out')
    translate_dataset(translator, dataset, out)
    images = sorted(glob.glob(osp.join(out, 'images', '*.png')))
    mtimes = {path: os.stat(path).st_mtime_ns for path in images}

    counts = translate_dataset(translator, dataset, out)
    assert counts == dict(translated=0, skipped=len(dataset), labels=0)
    assert {p: os.stat(p).st_mtime_ns for p in images} == mtimes

    # a killed run left a truncated temporary file and no final file
    victim = images[0]
    with open(victim, 'rb') as f:
        half = f.read()[:20]
    os.remove(victim)
    part = osp.join(
        osp.dirname(victim), f'.{osp.basename(victim)}.killed.tmp')
    with open(part, 'wb') as f:
        f.write(half)
    counts = translate_dataset(translator, dataset, out)
    assert counts == dict(translated=1, skipped=len(dataset) - 1, labels=0)
    assert mmcv.imread(victim).shape == mmcv.imread(images[1]).shape


def test_a_crash_mid_write_leaves_no_final_file(toy_translator, toy_workspace,
                                                tmp_path, monkeypatch):
    model, cfg = toy_translator
    translator = ImageTranslator(model)
    dataset = build_dataset(cfg, 'source_train_dataset', toy_workspace)
    out = str(tmp_path / 'out')

    replace = os.replace

    def crash_on_images(src, dst):
        if osp.basename(osp.dirname(dst)) == 'images':
            raise KeyboardInterrupt  # killed between writing and renaming
        replace(src, dst)

    monkeypatch.setattr(os, 'replace', crash_on_images)
    with pytest.raises(KeyboardInterrupt):
        translate_dataset(translator, dataset, out)
    monkeypatch.undo()
    rel = osp.relpath(dataset.get_data_info(0)['img_path'], dataset.data_root)
    assert not osp.exists(osp.join(out, rel))
    # the temporary file of the interrupted write is gone as well
    assert not glob.glob(osp.join(out, '**', '.*.tmp'), recursive=True)

    counts = translate_dataset(translator, dataset, out)
    assert counts['translated'] == len(dataset)
    assert not glob.glob(osp.join(out, '**', '.*.tmp'), recursive=True)


def test_ranks_translate_disjoint_shards(toy_translator, toy_workspace,
                                         tmp_path):
    model, cfg = toy_translator
    translator = ImageTranslator(model)
    dataset = build_dataset(cfg, 'source_train_dataset', toy_workspace)
    shards = [str(tmp_path / f'rank{rank}') for rank in range(2)]
    for rank, out in enumerate(shards):
        translate_dataset(
            translator, dataset, out, rank=rank, world_size=2)
    written = [set(files_under(osp.join(out, 'images'))) for out in shards]
    assert not written[0] & written[1]
    assert len(written[0] | written[1]) == len(dataset)


def test_bad_inputs_are_explained(toy_translator, toy_workspace):
    model, cfg = toy_translator
    with pytest.raises(KeyError, match='source_train_dataset'):
        get_dataset_cfg(cfg, 'no_such_dataset')
    with pytest.raises(TypeError, match='not a dataset'):
        get_dataset_cfg(cfg, 'crop_size')
    dataset = build_dataset(cfg, 'source_train_dataset', toy_workspace)
    with pytest.raises(ValueError, match='new folder'):
        translate_dataset(
            ImageTranslator(model), dataset, dataset.data_root)


def free_port() -> int:
    # torchrun's --master_port=0 hangs with static rendezvous
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def run(cmd: list, cwd: str) -> str:
    env = dict(os.environ, OMP_NUM_THREADS='1')
    proc = subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def test_command_line_with_two_processes(toy_translator, toy_workspace,
                                         tmp_path):
    model, cfg = toy_translator
    checkpoint = str(tmp_path / 'translator.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), checkpoint)
    script = osp.join(REPO_ROOT, 'tools', 'translate.py')
    two = str(tmp_path / 'two')
    log = run([
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
        f'--master_port={free_port()}', script, CONFIG, checkpoint,
        '--out-root', two, '--launcher', 'pytorch'
    ], toy_workspace)
    num = len(build_dataset(cfg, 'source_train_dataset', toy_workspace))
    assert f'Done: {num} images translated' in log  # summed over ranks
    # the same weights in this process give the same dataset
    single = str(tmp_path / 'single')
    translate_dataset(
        ImageTranslator(model),
        build_dataset(cfg, 'source_train_dataset', toy_workspace), single)
    assert files_under(single) == files_under(two)
    for rel in files_under(single):
        if rel.endswith('.png') and rel.startswith('images'):
            # thread counts may differ: allow rounding to the other integer
            diff = np.abs(
                mmcv.imread(osp.join(single, rel)).astype(int) -
                mmcv.imread(osp.join(two, rel)).astype(int))
            assert diff.max() <= 1, rel
        else:
            with open(osp.join(single, rel),
                      'rb') as a, open(osp.join(two, rel), 'rb') as b:
                assert a.read() == b.read(), rel
