"""``tools/train.py --resume`` continues exactly as an uninterrupted run.

For every model of the project (DACS with its teacher): N iterations in
one go versus a run of the same config stopped after N/2 (as a killed job
stops after its last checkpoint) and resumed with ``--resume`` up to N, on
the tiny toy benchmark; the final parameters, buffers and image pools must
be bit-identical. The translators run with ``pool_size=2`` and batch 1, so
their pools are full before the interruption and replace images after it.
The tool's ``main`` runs in this process (the same code path as the
command line, without the start-up time of a new interpreter).
"""
import os
import os.path as osp
import sys
from typing import List, Optional

import cv2
import mmengine.config.config as mmengine_config
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner
from mmseg.registry import MODELS
from uda_test_utils import REPO_ROOT, load_tool

from mmseg_uda.datasets import map_label_ids

train_tool = load_tool('train')

SEGMENTOR_CKPT = '{segmentor_ckpt}'
PSEUDO_LABELS = '{pseudo_labels}'
TOY_SOURCE = 'train_dataloader.dataset.source.data_root=data/toy/gta5'
TOY_TARGET = 'data/toy/cityscapes'

#: name -> (config, iterations N, extra --cfg-options)
MODELS_UNDER_TEST = {
    'adaptsegnet': ('configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py', 4,
                    []),
    'fada': ('configs/fada/fada_r18_toy-gta2cs.py', 4,
             ['model.segmentor_checkpoint=None']),
    'bdl': ('configs/bdl/bdl_r18_toy-gta2cs.py', 4, [TOY_SOURCE]),
    'cirn': ('configs/cirn/cirn_r18_toy-gta2cs.py', 4, [TOY_SOURCE]),
    'ldr': ('configs/ldr/ldr_r18_toy-gta2cs-round0.py', 4, [
        'model.reconstructor_checkpoint=None',
        f'train_dataloader.dataset.target.data_root={TOY_TARGET}',
        f'val_dataloader.dataset.data_root={TOY_TARGET}',
        f'test_dataloader.dataset.data_root={TOY_TARGET}'
    ]),
    'label_reconstructor':
    ('configs/ldr/ldr_recon-pretrain_toy-gta5.py', 4, []),
    'self_training': ('configs/self_training/self-training_r18_toy-gta2cs.py',
                      4, [
                          'train_dataloader.dataset.target.data_prefix.'
                          f'seg_map_path={PSEUDO_LABELS}'
                      ]),
    # the mean teacher: its EMA weights are part of the compared state
    'dacs': ('configs/dacs/dacs_r18_toy-gta2cs.py', 4, []),
    # rare-class sampling and warm-up; MIC's random blocks; HRDA's random
    # detail crops
    'daformer': ('configs/daformer/daformer_r18_toy-gta2cs.py', 4, []),
    'mic': ('configs/mic/mic_daformer_r18_toy-gta2cs.py', 4, []),
    'hrda': ('configs/hrda/hrda_r18_toy-gta2cs.py', 4, []),
    'cyclegan': ('configs/translators/cyclegan_toy-gta2cs.py', 6,
                 ['model.pool_size=2']),
    'cyclegan_bdl':
    ('configs/translators/cyclegan_toy-gta2cs-bdl-perceptual.py', 6,
     ['model.pool_size=2', f'model.segmentor_checkpoint={SEGMENTOR_CKPT}']),
    'cyclegan_cirn':
    ('configs/translators/cyclegan_toy-gta2cs-cirn-semantic.py', 6,
     ['model.pool_size=2', f'model.segmentor_checkpoint={SEGMENTOR_CKPT}']),
}
TRANSLATORS = ('cyclegan', 'cyclegan_bdl', 'cyclegan_cirn')


def train_options(model: str, iters: int) -> List[str]:
    """N iterations, a checkpoint after N/2, small batches, no workers."""
    translator = model in TRANSLATORS
    options = [
        f'train_cfg.max_iters={iters}',
        f'default_hooks.checkpoint.interval={iters // 2}',
        'default_hooks.logger.interval=1',
        f'train_dataloader.batch_size={1 if translator else 2}',
    ]
    loaders = ['train_dataloader']
    if not translator and model != 'label_reconstructor':
        options.append(f'train_cfg.val_interval={iters}')
        loaders += ['val_dataloader', 'test_dataloader']
    for loader in loaders:
        options += [
            f'{loader}.num_workers=0', f'{loader}.persistent_workers=False'
        ]
    return options


class StopAfter(Hook):
    """Stop training after ``iters`` iterations, as a killed job would
    after its last checkpoint (lower priority than ``CheckpointHook``)."""

    def __init__(self, iters: int) -> None:
        self.iters = iters

    def after_train_iter(self, runner, *args, **kwargs) -> None:
        if runner.iter + 1 >= self.iters:
            runner.train_loop.stop_training = True


def run_train(config: str,
              work_dir: str,
              options: List[str],
              resume: bool = False,
              stop_after: Optional[int] = None) -> None:
    """``tools/train.py CONFIG --work-dir ... [--resume] --cfg-options``."""
    name = f'{osp.basename(osp.dirname(work_dir))}_{osp.basename(work_dir)}'
    name += '_resumed' if resume else ''
    argv = ['train.py', osp.join(REPO_ROOT, config), '--work-dir', work_dir]
    argv += ['--resume'] if resume else []
    # a fresh logger, message hub and visualizer per run of this process
    argv += ['--cfg-options'] + options + [
        f'experiment_name={name}', f'visualizer.name={name}'
    ]

    class InterruptedRunner(Runner):

        @classmethod
        def from_cfg(cls, cfg):
            runner = Runner.from_cfg(cfg)
            if stop_after is not None:
                runner.register_hook(StopAfter(stop_after), 'LOWEST')
            return runner

    saved = sys.argv, train_tool.Runner
    sys.argv, train_tool.Runner = argv, InterruptedRunner
    try:
        train_tool.main()
    finally:
        sys.argv, train_tool.Runner = saved


@pytest.fixture(autouse=True)
def fast_config_text(monkeypatch):
    """Skip yapf when MMEngine prints and dumps configs (seconds per run on
    a busy CPU); the text stays valid Python, so resuming parses it."""
    monkeypatch.setattr(mmengine_config, 'FormatCode',
                        lambda text, style_config=None: (text, False))


@pytest.fixture(scope='module')
def segmentor_ckpt(tmp_path_factory) -> str:
    """Weights of the toy segmentation model the consistency terms use."""
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs/translators/cyclegan_toy-gta2cs.py'))
    torch.manual_seed(0)
    segmentor = MODELS.build(cfg.segmentor)
    path = str(tmp_path_factory.mktemp('segmentor') / 'toy_segmentor.pth')
    torch.save(dict(state_dict=segmentor.state_dict()), path)
    return path


@pytest.fixture(scope='module')
def pseudo_labels(toy_workspace, tmp_path_factory) -> str:
    """Train-id labels of the toy target train set, as pseudo labels."""
    out = tmp_path_factory.mktemp('pseudo_labels')
    gt_root = osp.join(toy_workspace, 'data/toy/cityscapes/gtFine/train')
    suffix = '_gtFine_labelIds.png'
    for city in ('simburg', 'toyville'):
        folder = osp.join(gt_root, city)
        for name in sorted(f for f in os.listdir(folder)
                           if f.endswith(suffix)):
            label = cv2.imread(osp.join(folder, name), cv2.IMREAD_UNCHANGED)
            train_ids = map_label_ids(label, 'cityscapes')
            train_ids[:, ::3] = 255  # some ignored pixels, as pseudo labels
            stem = name[:-len(suffix)]
            path = out / city / f'{stem}_pseudo.png'
            path.parent.mkdir(exist_ok=True)
            cv2.imwrite(str(path), train_ids.astype(np.uint8))
    return str(out)


def _assert_same(expected, actual, key: str) -> None:
    if isinstance(expected, dict):
        assert set(expected) == set(actual), key
        for name in expected:
            _assert_same(expected[name], actual[name], f'{key}.{name}')
    else:
        assert torch.equal(expected, actual), key


@pytest.mark.parametrize('model', list(MODELS_UNDER_TEST))
def test_resume_equals_uninterrupted_run(model, toy_workspace, tmp_path,
                                         monkeypatch, segmentor_ckpt,
                                         pseudo_labels):
    config, iters, extra = MODELS_UNDER_TEST[model]
    extra = [
        option.format(
            segmentor_ckpt=segmentor_ckpt, pseudo_labels=pseudo_labels)
        for option in extra
    ]
    options = train_options(model, iters) + extra
    monkeypatch.chdir(toy_workspace)  # configs read data/toy/...
    full, part = str(tmp_path / 'full'), str(tmp_path / 'part')
    run_train(config, full, options)
    run_train(config, part, options, stop_after=iters // 2)
    assert osp.isfile(osp.join(part, f'iter_{iters // 2}.pth'))
    assert not osp.isfile(osp.join(part, f'iter_{iters}.pth'))
    run_train(config, part, options, resume=True)

    # weights_only loading: the allow-listed safe globals suffice
    expected = torch.load(
        osp.join(full, f'iter_{iters}.pth'), map_location='cpu')
    resumed = torch.load(
        osp.join(part, f'iter_{iters}.pth'), map_location='cpu')
    assert resumed['meta']['iter'] == expected['meta']['iter'] == iters
    assert set(resumed['state_dict']) == set(expected['state_dict'])
    for key, value in expected['state_dict'].items():
        _assert_same(value, resumed['state_dict'][key], key)
    _assert_same(expected['random_state']['torch'],
                 resumed['random_state']['torch'], 'random_state.torch')
    if model in TRANSLATORS:
        for domain in ('source', 'target'):
            pool = resumed['state_dict'][f'pools.{domain}._extra_state']
            assert pool['images'].shape[0] == 2  # full: it replaced images
