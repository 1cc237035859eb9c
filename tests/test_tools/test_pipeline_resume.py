"""A toy CIRN pipeline killed during its translator training and rerun ends
with the metrics of the uninterrupted pipeline.

The pipeline is ``configs/cirn/cirn_r18_toy-gta2cs_pipeline.py`` through
``tools/run_pipeline.py`` with tiny iteration counts; each of its configs
is wrapped to load data without worker processes, and the translator's
image pools hold 2 images (batch 1, 4 iterations), so they are full when
the job is killed after its checkpoint at iteration 2 and replace images
afterwards. Stage commands run in this process (through ``runpy``).
"""
import json
import os.path as osp
import runpy
import sys

import mmengine.config.config
import pytest
import torch
from mmengine.hooks import CheckpointHook
from uda_test_utils import REPO_ROOT, load_tool

from mmseg_uda.apis import toy_benchmark
from mmseg_uda.apis.stage_runner import StageRunner

CIRN_TOY = osp.join(REPO_ROOT, 'configs/cirn/cirn_r18_toy-gta2cs_pipeline.py')
STAGE_CONFIGS = dict(
    source_only='configs/source_only/deeplabv2_r18_toy-gta2cs.py',
    translator='configs/translators/cyclegan_toy-gta2cs-cirn-semantic.py',
    adaptation='configs/cirn/cirn_r18_toy-gta2cs.py',
    self_training='configs/cirn/cirn_r18_toy-gta2cs-self-training.py')
TINY = [
    'train_cfg.max_iters=4', 'default_hooks.checkpoint.interval=2',
    'default_hooks.logger.interval=1', 'train_dataloader.num_workers=0',
    'train_dataloader.persistent_workers=False'
]
NO_WORKERS = 'dict(num_workers=0, persistent_workers=False)'


class Interrupt(Exception):
    """Stands for a kill in the middle of a stage."""


def write_stage_configs(folder) -> list:
    """``--pipeline-options`` pointing the pipeline at wrapped configs."""
    options = []
    for key, config in STAGE_CONFIGS.items():
        lines = [f"_base_ = ['{osp.join(REPO_ROOT, config)}']"]
        if key == 'translator':
            lines.append('model = dict(pool_size=2)')
        else:
            lines += [
                'train_cfg = dict(val_interval=100)',
                f'val_dataloader = {NO_WORKERS}',
                f'test_dataloader = {NO_WORKERS}'
            ]
        path = folder / f'{key}.py'
        path.write_text('\n'.join(lines) + '\n')
        options.append(f'configs.{key}={path}')
    return options


def metrics(stage: dict) -> str:
    """A test stage's metrics without timings; json, as NaN != NaN (the
    IoU of classes absent from the toy val set)."""
    values = {
        key: value
        for key, value in stage['metrics'].items()
        if key not in ('time', 'data_time')
    }
    assert 'mIoU' in values
    return json.dumps(values, sort_keys=True)


def run_in_process(command, monkeypatch):
    """Run ``python SCRIPT ARGS...`` as ``__main__`` in this process."""
    assert command[0] == sys.executable, command
    with monkeypatch.context() as patch:
        patch.setattr(sys, 'argv', command[1:])
        runpy.run_path(command[1], run_name='__main__')


def test_killed_translator_training_resumes_exactly(toy_workspace, tmp_path,
                                                    monkeypatch, capsys):
    tool = load_tool('run_pipeline')
    monkeypatch.chdir(toy_workspace)
    # the session's tiny toy benchmark stands in for the full one: the
    # runner must not regenerate it (in the workspace other tests share)
    monkeypatch.setattr(toy_benchmark, 'generate_toy_benchmark',
                        lambda *args, **kwargs: None)
    # yapf-formatting every dumped config would take most of the test
    monkeypatch.setattr(mmengine.config.config, 'FormatCode',
                        lambda text, **kwargs: (text, False))
    monkeypatch.setattr(StageRunner, 'run_command',
                        lambda self, command: run_in_process(
                            command, monkeypatch))
    stage_options = write_stage_configs(tmp_path)

    def args(root):
        return [CIRN_TOY, '--work-root', str(root), '--pipeline-options'
                ] + stage_options + ['--cfg-options'] + TINY

    expected = tool.main(args(tmp_path / 'uninterrupted'))

    original_after_iter = CheckpointHook.after_train_iter

    def kill_after_second_checkpoint(self, runner, *a, **kw):
        original_after_iter(self, runner, *a, **kw)
        if 'cir_translator' in runner.work_dir and runner.iter == 1:
            raise Interrupt  # iter_2.pth is saved

    killed = tmp_path / 'killed'
    with monkeypatch.context() as patch:
        patch.setattr(CheckpointHook, 'after_train_iter',
                      kill_after_second_checkpoint)
        with pytest.raises(Interrupt):
            tool.main(args(killed))
    assert osp.isfile(killed / 'cir_translator' / 'iter_2.pth')
    assert not osp.exists(killed / 'cir_translator' / 'iter_4.pth')
    pools = torch.load(
        killed / 'cir_translator' / 'iter_2.pth',
        map_location='cpu')['state_dict']['pools.source._extra_state']
    assert pools['images'].shape[0] == 2  # full when killed

    capsys.readouterr()
    resumed = tool.main(args(killed))
    assert '[source_only] done' in capsys.readouterr().out
    newest_log = sorted(
        (killed / 'cir_translator').glob('*/*.log'))[-1].read_text()
    assert 'resumed epoch: 0, iter: 2' in newest_log

    translators = [
        torch.load(
            root / 'cir_translator' / 'iter_4.pth',
            map_location='cpu')['state_dict']
        for root in (tmp_path / 'uninterrupted', killed)
    ]
    for key, value in translators[0].items():
        if isinstance(value, torch.Tensor):
            assert torch.equal(value, translators[1][key]), key
    tests = [name for name in expected if 'metrics' in expected[name]]
    assert tests == ['test_source_only', 'test_acm', 'test_self_training']
    for name in tests:
        assert metrics(resumed[name]) == metrics(expected[name]), name
