"""Three ``train_step`` s of every trainable model on a fixed batch and seed.

:func:`run_case` returns the logged values and a checksum per parameter
tensor; ``golden_steps.json`` holds them as recorded before the models
were restructured into one training step (issue 18), and
``test_golden_steps.py`` checks the models still compute the same.
Re-record (only for a deliberate change of what a model computes) with
``python tests/test_models/test_uda/golden_steps.py``.
"""
import copy
import json
import os
import os.path as osp
import sys
import tempfile
from typing import Callable, Dict, Tuple

import torch
from mmengine.optim import build_optim_wrapper
from mmengine.structures import PixelData
from mmseg.registry import MODELS

HERE = osp.dirname(osp.abspath(__file__))
sys.path.insert(0, osp.dirname(osp.dirname(HERE)))  # tests/
sys.path.insert(0, osp.join(osp.dirname(HERE), 'test_translators'))

from translator_test_utils import (  # noqa: E402 isort:skip
    build_optim, consistency_cfg, save_segmentor_checkpoint, translator_cfg)
from uda_test_utils import (  # noqa: E402 isort:skip
    acm_segmentor_cfg, build_ldr_optim_wrapper, build_uda_optim_wrapper,
    ldr_cfg, make_uda_batch, toy_segmentor_cfg)

GOLDEN_FILE = osp.join(HERE, 'golden_steps.json')
NUM_STEPS = 3


def _labelled_target(batch: dict, seed: int = 1) -> dict:
    """Give every target sample a pseudo label with some ignored pixels."""
    generator = torch.Generator().manual_seed(seed)
    for sample in batch['target']['data_samples']:
        height, width = sample.metainfo['img_shape']
        label = torch.randint(0, 19, (1, height, width), generator=generator)
        label[:, :height // 4] = 255
        sample.gt_sem_seg = PixelData(data=label)
    return batch


def _soft_target(batch: dict, seed: int = 1) -> dict:
    """Give every target sample a soft label (a softmax of noise)."""
    generator = torch.Generator().manual_seed(seed)
    for sample in batch['target']['data_samples']:
        height, width = sample.metainfo['img_shape']
        noise = torch.randn((19, height, width), generator=generator)
        sample.gt_soft_seg = PixelData(data=noise.softmax(dim=0))
    return batch


def _output_space_disc(levels=('decode_head', )) -> dict:
    return dict(
        type='MultiLevelDiscriminator',
        discriminators={
            level: dict(
                type='FCDiscriminator', in_channels=19, channels=(8, 16))
            for level in levels
        })


def _build(cfg: dict, optim: Callable) -> Tuple[torch.nn.Module, object]:
    model = MODELS.build(cfg)
    model.init_weights()
    return model, optim(model)


def _uda_optim(model):
    return build_uda_optim_wrapper(model, 0.01, 1e-3)


def _seg_optim(model):
    return build_optim_wrapper(
        model,
        dict(
            constructor='MultiOptimWrapperConstructor',
            segmentor=dict(
                type='OptimWrapper',
                optimizer=dict(type='SGD', lr=0.01, momentum=0.9))))


def adaptsegnet_cfg(levels=('decode_head', 'auxiliary_head'),
                    **kwargs) -> dict:
    cfg = dict(
        type='AdaptSegNet',
        segmentor=toy_segmentor_cfg(),
        discriminator=_output_space_disc(levels),
        adv_weights={level: 0.1
                     for level in levels})
    cfg.update(kwargs)
    return cfg


def fada_cfg(**kwargs) -> dict:
    cfg = dict(
        type='FADA',
        segmentor=toy_segmentor_cfg(),
        discriminator=dict(
            type='FineGrainedDiscriminator',
            in_channels=64,
            num_classes=19,
            channels=(16, 8)),
        adv_weight=0.1)
    cfg.update(kwargs)
    return cfg


def bdl_cfg(**kwargs) -> dict:
    cfg = dict(
        type='BDL',
        segmentor=toy_segmentor_cfg(),
        discriminator=_output_space_disc(),
        adv_weights=dict(decode_head=0.1))
    cfg.update(kwargs)
    return cfg


def cirn_cfg(**kwargs) -> dict:
    cfg = dict(
        type='CIRN',
        segmentor=acm_segmentor_cfg(),
        discriminator=_output_space_disc(),
        adv_weights=dict(decode_head=0.1),
        preheat_iters=0)
    cfg.update(kwargs)
    return cfg


def self_training_cfg(**kwargs) -> dict:
    cfg = dict(type='SelfTraining', segmentor=toy_segmentor_cfg())
    cfg.update(kwargs)
    return cfg


def label_reconstructor_cfg() -> dict:
    cfg = ldr_cfg(toy_segmentor_cfg())
    return dict(
        type='LabelReconstructor',
        reconstructor=cfg['reconstructor'],
        recon_discriminator=cfg['recon_discriminator'],
        perceptual_loss=cfg['perceptual_loss'])


def _recon_optim(model):
    adam = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3))
    return build_optim_wrapper(
        model,
        dict(
            constructor='MultiOptimWrapperConstructor',
            reconstructor=adam,
            recon_discriminator=adam))


def _plain(batch):
    return batch


def _source_only(batch):
    return batch['source']


#: case -> (model config factory, optimizer factory, batch transform).
#: Factories take the folder of the case's files (segmentor checkpoints).
CASES: Dict[str, tuple] = {
    'adaptsegnet-single': (lambda d: adaptsegnet_cfg(('decode_head', )),
                           _uda_optim, _plain),
    'adaptsegnet-multi': (lambda d: adaptsegnet_cfg(), _uda_optim, _plain),
    'adaptsegnet-lsgan': (lambda d: adaptsegnet_cfg(
        gan_loss=dict(type='GANLoss', gan_type='lsgan')), _uda_optim, _plain),
    'fada-soft': (lambda d: fada_cfg(), _uda_optim, _plain),
    'fada-hard': (lambda d: fada_cfg(
        domain_encoding=dict(
            type='DomainEncodingLoss',
            label_type='hard',
            temperature=1.8,
            clip_threshold=0.9)), _uda_optim, _plain),
    'bdl': (lambda d: bdl_cfg(), _uda_optim, _labelled_target),
    'bdl-without-labels': (lambda d: bdl_cfg(), _uda_optim, _plain),
    'cirn': (lambda d: cirn_cfg(), _uda_optim, _plain),
    'ldr': (lambda d: ldr_cfg(toy_segmentor_cfg()), build_ldr_optim_wrapper,
            _labelled_target),
    'ldr-t2s-only': (lambda d: ldr_cfg(toy_segmentor_cfg(), alpha=0., beta=0.),
                     build_ldr_optim_wrapper, _labelled_target),
    'ldr-pretrain': (lambda d: label_reconstructor_cfg(), _recon_optim,
                     _source_only),
    'self-training-hard': (lambda d: self_training_cfg(), _seg_optim,
                           _labelled_target),
    'self-training-soft': (lambda d: self_training_cfg(), _seg_optim,
                           _soft_target),
    'cyclegan': (lambda d: translator_cfg(), build_optim, _plain),
    'cyclegan-bdl': (lambda d: translator_cfg(**consistency_cfg(
        osp.join(d, 'seg.pth'), perceptual=True, semantic=False)),
                     build_optim, _plain),
    'cyclegan-cirn': (lambda d: translator_cfg(**consistency_cfg(
        osp.join(d, 'seg.pth'), perceptual=False, semantic=True)),
                      build_optim, _plain),
}


def run_case(name: str) -> dict:
    """Build case ``name`` (seed 0), run three steps on one fixed batch.

    Returns:
        dict: ``log``: the logged scalars of every step, ``params``: the
        sum and the sum of squares of every parameter after the last step.
    """
    make_cfg, make_optim, make_batch = CASES[name]
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        save_segmentor_checkpoint(osp.join(tmp, 'seg.pth'), seed=3)
        torch.manual_seed(0)
        model, optim_wrapper = _build(make_cfg(tmp), make_optim)
    batch = make_batch(make_uda_batch(batch_size=2, size=(32, 48), seed=0))
    model.train()
    logs = []
    for _ in range(NUM_STEPS):
        log_vars = model.train_step(copy.deepcopy(batch), optim_wrapper)
        logs.append({k: float(v) for k, v in log_vars.items()})
    params = {
        k: [float(p.detach().double().sum()),
            float(p.detach().double().pow(2).sum())]
        for k, p in model.named_parameters()
    }
    return dict(log=logs, params=params)


def main() -> None:
    from mmengine.registry import init_default_scope

    import mmseg_uda  # noqa: F401
    init_default_scope('mmseg')
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    record = {name: run_case(name) for name in CASES}
    with open(GOLDEN_FILE, 'w') as f:
        json.dump(record, f, indent=1, sort_keys=True)
    print(f'recorded {len(record)} cases in {GOLDEN_FILE}')


if __name__ == '__main__':
    main()
