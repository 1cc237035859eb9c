import os.path as osp

import pytest
import torch.nn as nn
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCHEDULE = osp.join(REPO_ROOT, 'configs', '_base_', 'schedules',
                    'daformer_adamw_warmup_40k.py')
LR, WARMUP, MAX_ITERS, START = 6e-5, 1500, 40000, 1e-6


class ToyUDA(nn.Module):
    """The shape the constructor expects: a ``segmentor`` child."""

    def __init__(self):
        super().__init__()
        self.segmentor = nn.Module()
        self.segmentor.backbone = nn.Linear(2, 2)
        self.segmentor.decode_head = nn.Linear(2, 2)
        self.segmentor.backbone_norm = nn.LayerNorm(2)


def lr_curve(num_iters):
    cfg = Config.fromfile(SCHEDULE)
    optim_wrapper = build_optim_wrapper(ToyUDA(), cfg.optim_wrapper)
    wrapper = optim_wrapper['segmentor']
    schedulers = [
        PARAM_SCHEDULERS.build(c, default_args=dict(optimizer=wrapper))
        for c in cfg.param_scheduler['segmentor']
    ]
    curve = []
    for _ in range(num_iters):
        curve.append([group['lr'] for group in wrapper.param_groups])
        for scheduler in schedulers:
            scheduler.step()
    return cfg, wrapper, curve


def expected_lr(it):
    """MMEngine's LinearLR and PolyLR run over ``end - begin - 1`` steps."""
    if it < WARMUP:
        return LR * (START + (1 - START) * it / (WARMUP - 1))
    return LR * max(0., 1 - (it - WARMUP) / (MAX_ITERS - WARMUP - 1))


@pytest.fixture(scope='module')
def schedule():
    return lr_curve(MAX_ITERS)


def test_warmup_then_poly_at_a_few_iterations(schedule):
    cfg, wrapper, curve = schedule
    assert cfg.train_cfg.max_iters == MAX_ITERS
    optimizer = wrapper.optimizer
    assert type(optimizer).__name__ == 'AdamW'
    assert optimizer.defaults['weight_decay'] == 0.01
    # the head learns 10x faster; norms have no weight decay
    lrs = sorted({g['initial_lr'] for g in optimizer.param_groups})
    assert lrs == pytest.approx([LR, 10 * LR])
    decays = {g['weight_decay'] for g in optimizer.param_groups}
    assert decays == {0.01, 0.}
    for it in (0, 750, 1500, 20000, MAX_ITERS - 1):
        assert min(curve[it]) == pytest.approx(expected_lr(it), rel=1e-6,
                                               abs=1e-15)
        assert max(curve[it]) == pytest.approx(10 * expected_lr(it),
                                               rel=1e-6, abs=1e-14)
    assert min(curve[0]) == pytest.approx(LR * 1e-6)
    assert min(curve[750]) == pytest.approx(LR / 2, rel=1e-3)
    assert min(curve[1500]) == pytest.approx(LR)


def test_close_to_the_official_mmcv_curve(schedule):
    """mmcv (official code): poly over 0-40k, scaled during warm-up."""
    _, _, curve = schedule
    for it in range(0, MAX_ITERS, 250):
        poly = LR * (1 - it / MAX_ITERS)
        if it < WARMUP:
            poly *= 1 - (1 - it / WARMUP) * (1 - START)
        assert abs(min(curve[it]) - poly) < 0.04 * LR
