"""Every mean-teacher config (DACS, DAFormer, HRDA, MIC): one training step
at small widths and sizes without a redundant forward; HRDA's and MIC's
paper settings."""
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
    osp.relpath(path, osp.join(REPO_ROOT, 'configs'))
    for folder in ('dacs', 'daformer', 'hrda', 'mic')
    for path in glob.glob(osp.join(REPO_ROOT, 'configs', folder, '*.py')))
SMALL_MIT = dict(embed_dims=16, num_layers=[1, 1, 1, 1], init_cfg=None)
CAR = 13


def load(name):
    return Config.fromfile(osp.join(REPO_ROOT, 'configs', name))


def small_model_cfg(cfg):
    """MiT at small widths, ResNet-101 as ResNet-18, 32x32 detail crops."""
    model = cfg.model
    segmentor = model.segmentor
    backbone = segmentor.backbone
    head = segmentor.decode_head
    if backbone.type == 'MixVisionTransformer':
        small = SMALL_MIT
        head.update(in_channels=[16, 32, 80, 128], channels=16, embed_dims=16)
    elif backbone.depth == 101:
        small = dict(depth=18, init_cfg=None)
        head.update(in_channels=512)
    else:
        small = {}
    backbone.update(small)
    if model.get('feature_distance'):
        model.feature_distance.encoder.update(small)
    if segmentor.type == 'HRDAEncoderDecoder' and 'toy' not in cfg.filename:
        segmentor.detail_crop_size = (32, 32)
        segmentor.test_cfg.update(crop_size=(64, 64), stride=(32, 32))
    return model


@pytest.mark.parametrize('name', [
    'hrda/hrda_daformer_mitb5_gta2cs.py',
    'hrda/hrda_daformer_mitb5_synthia2cs.py', 'hrda/hrda_r101_gta2cs.py'
])
def test_hrda_paper_settings(name):
    cfg = load(name)
    segmentor = cfg.model.segmentor
    assert segmentor.type == 'HRDAEncoderDecoder'
    assert (segmentor.context_scale, tuple(segmentor.detail_crop_size),
            segmentor.crop_coord_divisible) == (0.5, (512, 512), 8)
    head = segmentor.decode_head
    assert (head.type, head.attention_classwise,
            head.detail_loss_weight) == ('HRDAHead', True, 0.1)
    test = segmentor.test_cfg
    assert (test.mode, tuple(test.crop_size), tuple(test.stride),
            test.batched_slide) == ('slide', (1024, 1024), (512, 512), True)
    source = cfg.train_dataloader.dataset.source.pipeline
    target = cfg.train_dataloader.dataset.target.pipeline
    for pipeline in (source, target):
        crop = [t for t in pipeline if t.type == 'RandomCrop'][0]
        assert tuple(crop.crop_size) == (1024, 1024)
    resize = [t for t in target if t.type == 'Resize'][0]
    assert tuple(resize.scale) == (2048, 1024)
    margins = [t for t in target if t.type == 'PseudoLabelMargins'][0]
    assert (margins.top, margins.bottom, margins.left,
            margins.right) == (30, 240, 30, 30)
    assert cfg.train_dataloader.sampler.min_crop_ratio == 2.0
    assert cfg.model.teacher.alpha == 0.999
    assert cfg.model.feature_distance.loss_weight == 0.005
    assert cfg.train_cfg.max_iters == 40000


@pytest.mark.parametrize('name,block_size', [
    ('mic/mic_hrda_mitb5_gta2cs.py', 64),
    ('mic/mic_hrda_mitb5_synthia2cs.py', 64),
    ('mic/mic_daformer_mitb5_gta2cs.py', 32),
    ('mic/mic_daformer_mitb5_synthia2cs.py', 32),
    ('mic/mic_daformer_r101_gta2cs.py', 32),
    ('mic/mic_daformer_r18_toy-gta2cs.py', 8),
])
def test_mic_paper_settings(name, block_size):
    mic = load(name).model.masked_consistency
    assert (mic.type, mic.block_size, mic.mask_ratio,
            mic.loss_weight) == ('MaskedImageConsistency', block_size, 0.7,
                                 1.0)


@pytest.mark.parametrize('name', CONFIGS)
def test_one_iteration_without_redundant_forwards(name):
    torch.manual_seed(0)
    cfg = load(name)
    model = MODELS.build(small_model_cfg(cfg))
    model.init_weights()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    assert set(optim_wrapper.keys()) == {'segmentor'}
    # the toy HRDA's detail crop is 64x128 of its 128x256 inputs
    size = (128, 256) if 'toy' in name else (64, 64)
    batch = make_uda_batch(batch_size=2, size=size)
    batch['source']['data_samples'][0].gt_sem_seg.data[:] = CAR
    calls, grads = [], []
    parts = dict(student=model.segmentor, teacher=model.teacher)
    if model.feature_distance is not None:
        parts['fd'] = model.feature_distance.encoder
    for key, part in parts.items():
        part.register_forward_hook(
            lambda m, i, o, key=key: calls.append(key))
    # inside the teacher and the frozen encoder nothing records gradients
    for part in (model.teacher.model.backbone, ) + ((
            model.feature_distance.encoder, ) if model.feature_distance
                                                    is not None else ()):
        part.register_forward_hook(
            lambda m, i, o: grads.append(torch.is_grad_enabled()))
    MessageHub.get_current_instance().update_info('iter', 0)
    model.train()
    log_vars = model.train_step(batch, optim_wrapper)
    assert torch.isfinite(log_vars['loss.segmentor'])
    # the student on the source, the mixed (and the masked) batch; the
    # teacher once on the target; the frozen encoder once on the source
    expected = ['student', 'student', 'teacher']
    if model.masked_consistency is not None:
        expected.append('student')
        assert 'masked.decode.loss_ce' in log_vars
    if model.feature_distance is not None:
        expected.append('fd')
    assert sorted(calls) == sorted(expected)
    assert grads and not any(grads)
    if model.model.__class__.__name__ == 'HRDAEncoderDecoder':
        assert 'mix.decode.detail.loss_ce' in log_vars
