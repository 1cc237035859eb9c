"""Every DAFormer config builds and trains one step (small widths)."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.optim import build_optim_wrapper
from mmseg.registry import MODELS
from uda_test_utils import REPO_ROOT, make_uda_batch

CONFIGS = sorted(
    osp.basename(path)
    for path in glob.glob(osp.join(REPO_ROOT, 'configs', 'daformer', '*.py')))
# stage widths are embed_dims * num_heads: 16, 32, 80, 128
SMALL_MIT = dict(embed_dims=16, num_layers=[1, 1, 1, 1], init_cfg=None)
CAR = 13


def load(name):
    return Config.fromfile(osp.join(REPO_ROOT, 'configs', 'daformer', name))


def small_model_cfg(cfg):
    """MiT at small widths, ResNet-101 as ResNet-18; the toy as it is."""
    model = cfg.model
    backbone = model.segmentor.backbone
    if backbone.type == 'MixVisionTransformer':
        small = SMALL_MIT
        model.segmentor.decode_head.update(
            in_channels=[16, 32, 80, 128], channels=16, embed_dims=16)
    elif backbone.depth == 101:
        small = dict(depth=18, init_cfg=None)
        model.segmentor.decode_head.update(in_channels=512)
    else:
        small = {}
    backbone.update(small)
    if model.get('feature_distance'):
        model.feature_distance.encoder.update(small)
    return model


def test_paper_settings():
    cfg = load('daformer_mitb5_gta2cs.py')
    model = cfg.model
    assert model.type == 'DACS' and model.teacher.alpha == 0.999
    assert model.segmentor.backbone.num_layers == [3, 6, 40, 3]
    assert model.segmentor.backbone.init_cfg.type == 'LocalPretrained'
    head = model.segmentor.decode_head
    assert (head.type, head.embed_dims, head.channels, tuple(head.dilations),
            head.separable, head.pool) == ('DAFormerHead', 256, 256,
                                           (1, 6, 12, 18), True, False)
    fd = model.feature_distance
    assert fd.encoder == model.segmentor.backbone  # the same ImageNet MiT
    assert (fd.loss_weight, fd.min_ratio) == (0.005, 0.75)
    assert tuple(fd.classes) == (6, 7, 11, 12, 13, 14, 15, 16, 17, 18)
    sampler = cfg.train_dataloader.sampler
    assert (sampler.type, sampler.temperature,
            sampler.min_pixels) == ('RareClassSampler', 0.01, 3000)
    assert [s.type for s in cfg.param_scheduler.segmentor
            ] == ['LinearLR', 'PolyLR']
    assert cfg.train_cfg.max_iters == 40000


@pytest.mark.parametrize('name', [
    'daformer_mitb5_gta2cs.py', 'daformer_mitb5_synthia2cs.py',
    'daformer_r101_gta2cs.py'
])
def test_strategy_of_every_paper_scale_config(name):
    """RCS with the crop re-draw, pseudo-label margins, colour jitter with
    probability 0.8, alpha 0.999, FD, AdamW with warm-up."""
    cfg = load(name)
    sampler = cfg.train_dataloader.sampler
    assert (sampler.type, sampler.temperature, sampler.min_pixels,
            sampler.min_crop_ratio) == ('RareClassSampler', 0.01, 3000, 0.5)
    target = cfg.train_dataloader.dataset.target.pipeline
    types = [t.type for t in target]
    margins = target[types.index('PseudoLabelMargins')]
    assert (margins.top, margins.bottom) == (15, 120)
    assert types.index('PseudoLabelMargins') < types.index('RandomCrop')
    assert types[-1] == 'PackUDAInputs'
    model = cfg.model
    assert model.teacher.alpha == 0.999
    assert (model.color_jitter.strength, model.color_jitter.prob) == (0.2,
                                                                      0.8)
    assert model.feature_distance.loss_weight == 0.005
    assert model.feature_distance.encoder == model.segmentor.backbone
    optimizer = cfg.optim_wrapper.segmentor.optimizer
    assert (optimizer.type, optimizer.lr) == ('AdamW', 6e-5)
    assert cfg.train_cfg.max_iters == 40000


def test_deeplabv2_with_daformer_strategy():
    """DAFormer's DeepLabV2: ResNet-101-V1c, trainable BN, rates 6 and 12."""
    segmentor = load('daformer_r101_gta2cs.py').model.segmentor
    backbone = segmentor.backbone
    assert (backbone.type, backbone.depth, backbone.contract_dilation,
            backbone.norm_eval) == ('ResNetV1c', 101, True, False)
    assert backbone.norm_cfg.requires_grad
    head = segmentor.decode_head
    assert (head.type, tuple(head.dilations)) == ('DeepLabV2Head', (6, 12))


def test_ablations_switch_off_one_part_each():
    full = load('daformer_mitb5_gta2cs.py')
    no_rcs = load('daformer_mitb5_gta2cs-no-rcs.py')
    assert no_rcs.train_dataloader.sampler.type == 'InfiniteSampler'
    assert no_rcs.model == full.model
    no_fd = load('daformer_mitb5_gta2cs-no-fd.py')
    assert no_fd.model.feature_distance is None
    assert no_fd.train_dataloader == full.train_dataloader
    no_warmup = load('daformer_mitb5_gta2cs-no-warmup.py')
    assert [s.type for s in no_warmup.param_scheduler.segmentor
            ] == ['PolyLR']
    assert no_warmup.model == full.model


@pytest.mark.parametrize('name', CONFIGS)
def test_one_iteration_keeps_the_frozen_encoder_frozen(name):
    torch.manual_seed(0)
    cfg = load(name)
    model = MODELS.build(small_model_cfg(cfg))
    model.init_weights()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    assert set(optim_wrapper.keys()) == {'segmentor'}
    batch = make_uda_batch(batch_size=2, size=(64, 64))
    # a car-only source image, so that the thing-class mask is not empty
    batch['source']['data_samples'][0].gt_sem_seg.data[:] = CAR
    fd = model.feature_distance
    if fd is not None:
        frozen = {k: v.clone() for k, v in fd.state_dict().items()}
        optimized = {
            id(p)
            for g in optim_wrapper['segmentor'].param_groups
            for p in g['params']
        }
        assert not any(id(p) in optimized for p in fd.parameters())
    MessageHub.get_current_instance().update_info('iter', 0)
    model.train()
    log_vars = model.train_step(batch, optim_wrapper)
    assert torch.isfinite(log_vars['loss.segmentor'])
    assert 'mix.decode.loss_ce' in log_vars
    if fd is None:
        assert 'source.loss_feat_dist' not in log_vars
    else:
        assert log_vars['source.loss_feat_dist'] > 0
        for key, value in fd.state_dict().items():
            assert torch.equal(value, frozen[key]), key
        assert not fd.encoder.training
