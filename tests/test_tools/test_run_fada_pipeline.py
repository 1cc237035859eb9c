"""tools/run_fada_pipeline.py: the stage chain, dry and on the tiny toy.

The pipeline runs in this process (its stage commands too, through
``runpy``): a subprocess per stage would spend most of the test importing
torch and mmseg.
"""
import importlib.util
import json
import os
import os.path as osp
import runpy
import sys

import mmengine.config.config
import pytest
from uda_test_utils import REPO_ROOT

SCRIPT = osp.join(REPO_ROOT, 'tools', 'run_fada_pipeline.py')
CONFIG_DIR = osp.join(REPO_ROOT, 'configs', 'fada')


def load_tool():
    spec = importlib.util.spec_from_file_location('run_fada_pipeline', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def pipeline(monkeypatch, capsys):
    """``run(args, cwd)`` -> (printed output, metrics) of the tool."""
    tool = load_tool()

    def run(args, cwd):
        monkeypatch.chdir(cwd)
        metrics = tool.main(
            ['fada_r18_toy-gta2cs', '--config-dir', CONFIG_DIR] + args)
        return capsys.readouterr().out, metrics

    run.tool = tool
    return run


def commands(stdout):
    return [
        line.split() for line in stdout.splitlines()
        if line.startswith((sys.executable, 'bash'))
    ]


def option(command, key):
    values = [a.split('=', 1)[1] for a in command if a.startswith(key + '=')]
    assert len(values) == 1, (key, command)
    return values[0]


def test_dry_run_chains_the_stages(pipeline, tmp_path):
    work_root = str(tmp_path / 'work')
    out, metrics = pipeline([
        '--dry-run', '--work-root', work_root, '--seed', '7', '--gpus', '2',
        '--tta'
    ], tmp_path)
    assert metrics == {}
    warmup, adapt, labels, distill, *tests = commands(out)
    warmup_dir = osp.join(work_root, 'fada_r18_toy-gta2cs-warmup')
    assert warmup[2].endswith('fada_r18_toy-gta2cs-warmup.py')
    assert warmup[warmup.index('--work-dir') + 1] == warmup_dir
    # batch 4 (a total) split over two GPUs, the seed in every training
    for command in (warmup, adapt, distill):
        assert option(command, 'train_dataloader.batch_size') == '2'
        assert option(command, 'randomness.seed') == '7'
        assert '--resume' in command and 'dist_train.sh' in command[1]
    # the adaptation starts from the warm-up's final checkpoint
    assert option(adapt, 'model.segmentor_checkpoint') == osp.join(
        warmup_dir, 'iter_1000.pth')
    # pseudo labels of the final adapted model go where distillation reads
    adapted = osp.join(work_root, 'fada_r18_toy-gta2cs', 'iter_1000.pth')
    assert adapted in labels
    assert labels[labels.index('--policy') + 1] == 'argmax'
    assert '--nproc_per_node=2' in labels
    label_dir = labels[labels.index('--out-dir') + 1]
    assert label_dir == 'data/toy/cityscapes/pseudo_labels/fada_r18_toy-gta2cs'
    assert option(distill,
                  'train_dataloader.dataset.data_prefix.seg_map_path') == (
                      osp.join(str(tmp_path), label_dir))
    assert [t[-1] for t in tests] == [
        osp.join(work_root, 'fada_r18_toy-gta2cs', 'test'),
        osp.join(work_root, 'fada_r18_toy-gta2cs-distill', 'test'), '--tta'
    ]


def test_finished_stages_are_skipped(pipeline, tmp_path):
    work_root = tmp_path / 'work'
    warmup = work_root / 'fada_r18_toy-gta2cs-warmup' / 'iter_1000.pth'
    warmup.parent.mkdir(parents=True)
    warmup.touch()
    labels = tmp_path / 'labels'
    labels.mkdir()
    (labels / 'pseudo_labels.json').write_text(
        json.dumps(dict(status='complete')))
    out, _ = pipeline([
        '--dry-run', '--work-root',
        str(work_root), '--pseudo-label-dir',
        str(labels)
    ], tmp_path)
    scripts = [osp.basename(c[1]) for c in commands(out)]
    assert scripts == ['train.py', 'train.py', 'test.py', 'test.py']
    assert '[warmup] done' in out and '[pseudo labels] done' in out
    assert 'warmup.py' not in out


def test_reused_warmup_checkpoint_must_exist(pipeline, tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.pth does not exist'):
        pipeline(['--warmup-checkpoint',
                  str(tmp_path / 'missing.pth')], tmp_path)


def run_in_process(command, monkeypatch):
    """Run ``python SCRIPT ARGS...`` as ``__main__`` in this process."""
    assert command[0] == sys.executable, command
    with monkeypatch.context() as patch:
        patch.setattr(sys, 'argv', command[1:])
        runpy.run_path(command[1], run_name='__main__')


def test_whole_pipeline_on_the_tiny_toy(pipeline, toy_workspace, tmp_path,
                                        monkeypatch):

    def run(self, command):
        print(' '.join(command))
        run_in_process(command, monkeypatch)

    monkeypatch.setattr(pipeline.tool.Pipeline, 'run', run)
    # The runners log and dump their configs; yapf-formatting them would
    # take most of the test (Config.fromfile ignores format_python_code).
    monkeypatch.setattr(mmengine.config.config, 'FormatCode',
                        lambda text, **kwargs: (text, False))
    options = [
        'train_cfg.max_iters=2', 'train_cfg.val_interval=100',
        'default_hooks.checkpoint.interval=2',
        'default_hooks.logger.interval=1'
    ]
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        options += [
            f'{loader}.num_workers=0', f'{loader}.persistent_workers=False'
        ]
    work_root = str(tmp_path / 'work')
    labels = str(tmp_path / 'labels')
    out, metrics = pipeline(
        ['--work-root', work_root, '--pseudo-label-dir', labels, '--tta'] +
        ['--cfg-options'] + options, toy_workspace)
    for stage in ('fada_r18_toy-gta2cs-warmup', 'fada_r18_toy-gta2cs',
                  'fada_r18_toy-gta2cs-distill'):
        assert osp.isfile(osp.join(work_root, stage, 'iter_2.pth'))
    # the adaptation started from the warm-up, the distillation read labels
    assert option(commands(out)[1], 'model.segmentor_checkpoint') == (
        osp.join(work_root, 'fada_r18_toy-gta2cs-warmup', 'iter_2.pth'))
    # one argmax label per toy target training image (8)
    pngs = [
        f for _, _, files in os.walk(labels) for f in files
        if f.endswith('_pseudo.png')
    ]
    assert len(pngs) == 8
    assert set(metrics) == {'adapt', 'distill', 'distill_tta'}
    assert all(0 <= m['mIoU'] <= 100 for m in metrics.values())
    assert 'adapt: mIoU' in out and 'distill_tta: mIoU' in out
