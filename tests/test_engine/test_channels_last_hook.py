"""ChannelsLastHook converts a model in place, numerics unchanged."""
import copy
import os.path as osp
from types import SimpleNamespace

import torch
from mmengine.config import Config
from mmseg.registry import MODELS
from uda_test_utils import (REPO_ROOT, build_adaptsegnet,
                            build_uda_optim_wrapper, make_uda_batch,
                            toy_segmentor_cfg)

from mmseg_uda.engine.hooks import ChannelsLastHook

CL = torch.channels_last


def conv_weights(module):
    return [p for p in module.parameters() if p.dim() == 4]


def test_hook_converts_in_place_and_steps_alike():
    torch.manual_seed(0)
    model, optim_wrapper = build_adaptsegnet(toy_segmentor_cfg())
    reference = copy.deepcopy(model)
    reference_optim = build_uda_optim_wrapper(reference, 0.01, 1e-3)
    params = list(model.parameters())

    ChannelsLastHook().before_run(SimpleNamespace(model=model))

    assert [id(p) for p in model.parameters()] == [id(p) for p in params]
    weights = conv_weights(model)
    assert all(w.is_contiguous(memory_format=CL) for w in weights)
    assert any(not w.is_contiguous() for w in weights)  # 3x3 kernels
    batch = make_uda_batch(batch_size=1, size=(32, 64), seed=2)
    logs = model.train_step(copy.deepcopy(batch), optim_wrapper)
    expected = reference.train_step(copy.deepcopy(batch), reference_optim)
    for key, value in expected.items():
        torch.testing.assert_close(logs[key], value, rtol=1e-4, atol=1e-5)
    # the optimizers stepped the converted parameters alike (Adam's first
    # step, lr * g / (|g| + eps), magnifies rounding of tiny gradients to a
    # few percent of its lr 1e-3); they stay NHWC
    for param, ref in zip(model.parameters(), reference.parameters()):
        torch.testing.assert_close(param, ref, rtol=1e-4, atol=5e-5)
    assert all(w.is_contiguous(memory_format=CL) for w in weights)


def test_disabled_hook_changes_nothing():
    model, _ = build_adaptsegnet(toy_segmentor_cfg())
    ChannelsLastHook(enabled=False).before_run(SimpleNamespace(model=model))
    assert all(w.is_contiguous() for w in conv_weights(model))


def test_frozen_segmentor_of_the_translator_follows(tmp_path):
    checkpoint = str(tmp_path / 'seg.pth')
    torch.save(
        dict(state_dict=MODELS.build(toy_segmentor_cfg()).state_dict()),
        checkpoint)
    model = MODELS.build(
        dict(
            type='CycleGANTranslator',
            generator=dict(
                type='ResNetGenerator', base_channels=4, num_blocks=1),
            discriminator=dict(
                type='PatchDiscriminator', base_channels=4, num_layers=2),
            segmentor=toy_segmentor_cfg(),
            segmentor_checkpoint=checkpoint,
            perceptual_loss=dict(type='SegPerceptualLoss')))
    model.init_weights()
    ChannelsLastHook().before_run(SimpleNamespace(model=model))
    for module in (model, model.frozen_segmentor):
        assert all(
            w.is_contiguous(memory_format=CL) for w in conv_weights(module))


def test_default_runtime_registers_it_disabled():
    cfg = Config.fromfile(
        osp.join(REPO_ROOT,
                 'configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py'))
    assert cfg.default_hooks.channels_last == dict(
        type='ChannelsLastHook', enabled=False)
    assert cfg.env_cfg.cudnn_benchmark is True
