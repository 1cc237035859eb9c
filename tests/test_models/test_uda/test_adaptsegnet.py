import copy
import glob
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmseg.registry import MODELS
from uda_test_utils import REPO_ROOT, build_adaptsegnet

from mmseg_uda.models import GANLoss


def params_of(module):
    return [p.detach().clone() for p in module.parameters()]


def test_train_step_updates_segmentor_and_discriminators(
        toy_segmentor_cfg, make_uda_batch):
    model, optim_wrapper = build_adaptsegnet(toy_segmentor_cfg)
    seg_before = params_of(model.segmentor)
    disc_before = params_of(model.discriminator)
    log_vars = model.train_step(make_uda_batch(), optim_wrapper)
    assert {
        'source.decode.loss_ce', 'source.aux.loss_ce', 'loss_adv.decode_head',
        'loss_adv.auxiliary_head', 'loss_disc.decode_head.source',
        'loss_disc.decode_head.target', 'loss_disc.auxiliary_head.source',
        'loss_disc.auxiliary_head.target', 'loss.segmentor',
        'loss.discriminator'
    } <= set(log_vars)
    assert all(torch.isfinite(v) for v in log_vars.values())
    assert any(not torch.equal(a, b)
               for a, b in zip(seg_before, params_of(model.segmentor)))
    assert any(not torch.equal(a, b)
               for a, b in zip(disc_before, params_of(model.discriminator)))
    assert all(p.requires_grad for p in model.discriminator.parameters())


def test_losses_follow_the_paper_equations(toy_segmentor_cfg, make_uda_batch):
    # lr = 0: parameters stay, so the logged losses can be recomputed.
    model, optim_wrapper = build_adaptsegnet(
        toy_segmentor_cfg, levels=('decode_head', ), seg_lr=0., disc_lr=0.)
    batch = make_uda_batch(seed=3)
    log_vars = model.train_step(copy.deepcopy(batch), optim_wrapper)

    bce = GANLoss('vanilla')
    disc = model.discriminator.levels['decode_head']
    probs = {}
    with torch.no_grad():
        for domain in ('source', 'target'):
            data = model.data_preprocessor(batch[domain], True)
            logits = model.model.encode_decode(
                data['inputs'], [s.metainfo for s in data['data_samples']])
            probs[domain] = F.softmax(logits, dim=1)
        # Eq. 4: target predictions labelled as source (z = 1)
        adv = 0.1 * bce(disc(probs['target']), 1.)
        # Eq. 2: source -> 1, target -> 0
        d_src = bce(disc(probs['source']), 1.)
        d_tgt = bce(disc(probs['target']), 0.)
    torch.testing.assert_close(log_vars['loss_adv.decode_head'], adv)
    torch.testing.assert_close(log_vars['loss_disc.decode_head.source'], d_src)
    torch.testing.assert_close(log_vars['loss_disc.decode_head.target'], d_tgt)
    torch.testing.assert_close(log_vars['loss.discriminator'], d_src + d_tgt)


def test_discriminator_accuracy_is_logged_from_the_step_outputs(
        toy_segmentor_cfg, make_uda_batch):
    """The discriminators return hand-made logits (source batches are
    32x64, target batches 40x48); the logged accuracies are those of these
    outputs, and no discriminator runs more often than before."""
    model, optim_wrapper = build_adaptsegnet(toy_segmentor_cfg)
    made = {
        # decode_head: 3 of 4 source logits > 0; 2 of 4 target logits < 0
        # (0 is a tie: wrong); auxiliary_head: all say "target"
        'source': dict(decode_head=[2., -1., 0.5, 3.], auxiliary_head=[-1.]),
        'target': dict(decode_head=[-2., -1., 1., 0.], auxiliary_head=[-1.]),
    }
    real_forward = model.discriminator.forward
    calls = []

    def hand_made(inputs):
        outputs = real_forward(inputs)
        domain = 'source' if inputs['decode_head'].shape[2] == 32 else (
            'target')
        calls.append(domain)
        return {
            level:
            torch.tensor(made[domain][level]).view(1, 1, 1, -1) +
            0 * out.sum()  # keeps the path to the discriminator's weights
            for level, out in outputs.items()
        }

    model.discriminator.forward = hand_made
    log_vars = model.train_step(
        make_uda_batch(size=(32, 64), target_size=(40, 48)), optim_wrapper)
    # the segmentor step's target pass, then one pass per domain
    assert calls == ['target', 'source', 'target']
    expected = {
        'acc_disc.decode_head.source': 0.75,
        'acc_disc.decode_head.target': 0.5,
        'acc_disc.auxiliary_head.source': 0.,
        'acc_disc.auxiliary_head.target': 1.,
    }
    for key, value in expected.items():
        assert log_vars[key].item() == pytest.approx(value), key
    # accuracies are logged, not optimised
    assert not any('acc' in key and 'loss' in key for key in log_vars)


def test_discriminator_frozen_during_segmentor_step(toy_segmentor_cfg,
                                                    make_uda_batch):
    model, optim_wrapper = build_adaptsegnet(toy_segmentor_cfg)
    seen = {}
    seg_wrapper = optim_wrapper['segmentor']
    original = seg_wrapper.update_params

    def spy(loss, *args, **kwargs):
        original(loss, *args, **kwargs)
        seen['requires_grad'] = [
            p.requires_grad for p in model.discriminator.parameters()
        ]
        seen['grads'] = [p.grad for p in model.discriminator.parameters()]

    seg_wrapper.update_params = spy
    model.train_step(make_uda_batch(), optim_wrapper)
    assert not any(seen['requires_grad'])
    assert all(g is None for g in seen['grads'])


def test_each_image_goes_through_the_segmentor_once(toy_segmentor_cfg,
                                                    make_uda_batch):
    model, optim_wrapper = build_adaptsegnet(toy_segmentor_cfg)
    calls = []
    model.model.backbone.register_forward_hook(
        lambda module, inputs, output: calls.append(inputs[0].shape[0]))
    model.train_step(make_uda_batch(batch_size=2), optim_wrapper)
    assert calls == [2, 2]  # one source and one target forward


def test_feature_level_and_different_domain_sizes(toy_segmentor_cfg,
                                                  make_uda_batch):
    segmentor = dict(toy_segmentor_cfg, auxiliary_head=None)
    model, optim_wrapper = build_adaptsegnet(segmentor, levels=('features', ))
    log_vars = model.train_step(
        make_uda_batch(size=(64, 128), target_size=(72, 96)), optim_wrapper)
    assert 'loss_adv.features' in log_vars


def test_predict_delegates_to_the_stock_segmentor(toy_segmentor_cfg,
                                                  make_uda_batch):
    model, _ = build_adaptsegnet(toy_segmentor_cfg)
    model.eval()
    batch = make_uda_batch(batch_size=1)['source']
    out = model.val_step(copy.deepcopy(batch))
    data = model.data_preprocessor(batch, False)
    expected = model.model.predict(data['inputs'], data['data_samples'])
    assert out[0].pred_sem_seg.shape == (32, 64)
    assert torch.equal(out[0].pred_sem_seg.data, expected[0].pred_sem_seg.data)


def test_bad_configs_raise(toy_segmentor_cfg, make_uda_batch):
    with pytest.raises(ValueError, match='adv_weights'):
        MODELS.build(
            dict(
                type='AdaptSegNet',
                segmentor=toy_segmentor_cfg,
                discriminator=dict(
                    type='MultiLevelDiscriminator',
                    discriminators=dict(
                        decode_head=dict(
                            type='FCDiscriminator', in_channels=19))),
                adv_weights=dict(auxiliary_head=0.1)))
    with pytest.raises(ValueError, match='neither heads'):
        build_adaptsegnet(toy_segmentor_cfg, levels=('conv3', ))
    model, optim_wrapper = build_adaptsegnet(toy_segmentor_cfg)
    with pytest.raises(TypeError, match='MultiOptimWrapperConstructor'):
        model.train_step(make_uda_batch(), optim_wrapper['segmentor'])
    batch = make_uda_batch()
    del batch['target']
    with pytest.raises(KeyError, match='UDADataset'):
        model.train_step(batch, optim_wrapper)


def test_stock_segformer_inside_adaptsegnet(make_uda_batch):
    segformer = dict(
        type='EncoderDecoder',
        data_preprocessor=dict(
            type='SegDataPreProcessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            bgr_to_rgb=True,
            size_divisor=32),
        backbone=dict(
            type='MixVisionTransformer',
            embed_dims=8,
            num_heads=[1, 1, 1, 1],
            num_layers=[1, 1, 1, 1]),
        decode_head=dict(
            type='SegformerHead',
            in_channels=[8, 8, 8, 8],
            in_index=[0, 1, 2, 3],
            channels=16,
            num_classes=19,
            loss_decode=dict(type='CrossEntropyLoss')),
        train_cfg=dict(),
        test_cfg=dict(mode='whole'))
    model, optim_wrapper = build_adaptsegnet(
        segformer, levels=('decode_head', ))
    log_vars = model.train_step(make_uda_batch(), optim_wrapper)
    assert 'loss_adv.decode_head' in log_vars


#: The paper's settings; ``-official`` / ``-deeplab-init`` configs reproduce
#: the released networks instead (tests/test_tools/test_model_converters.py).
PAPER_CONFIGS = sorted(
    c
    for c in glob.glob(osp.join(REPO_ROOT, 'configs/adaptsegnet/*_r101_*.py'))
    if not c.endswith(('-official.py', '-deeplab-init.py')))


def _load_without_pretrained(config: str) -> Config:
    cfg = Config.fromfile(config)
    cfg.model.segmentor.backbone.init_cfg = None
    return cfg


def test_paper_configs_carry_the_paper_hyper_parameters():
    assert len(PAPER_CONFIGS) >= 10
    for config in PAPER_CONFIGS:
        cfg = Config.fromfile(config)
        assert cfg.model.type == 'AdaptSegNet', config
        seg_optim = cfg.optim_wrapper.segmentor.optimizer
        assert seg_optim.type == 'SGD' and seg_optim.lr == 2.5e-4
        assert seg_optim.momentum == 0.9
        disc_optim = cfg.optim_wrapper.discriminator.optimizer
        assert disc_optim.type == 'Adam' and disc_optim.lr == 1e-4
        assert tuple(disc_optim.betas) == (0.9, 0.99)
        for scheduler in cfg.param_scheduler.values():
            assert scheduler[0].type == 'PolyLR' and scheduler[0].power == 0.9
        assert (
            cfg.model_wrapper_cfg.type == 'MMSeparateDistributedDataParallel')
        backbone = cfg.model.segmentor.backbone
        assert backbone.depth == 101 and tuple(
            backbone.dilations) == (1, 1, 2, 4)
        assert backbone.norm_cfg.requires_grad is False and backbone.norm_eval
    multi = Config.fromfile(
        osp.join(REPO_ROOT,
                 'configs/adaptsegnet/adaptsegnet_r101_gta2cs-multi-level.py'))
    assert dict(multi.model.adv_weights) == dict(
        decode_head=0.001, auxiliary_head=0.0002)
    assert multi.model.segmentor.auxiliary_head.loss_decode.loss_weight == 0.1
    assert multi.optim_wrapper.segmentor.optimizer.nesterov is True
    assert multi.optim_wrapper.segmentor.optimizer.weight_decay == 1e-4
    rome = Config.fromfile(
        osp.join(REPO_ROOT,
                 'configs/adaptsegnet/adaptsegnet_r101_cs2crosscity-rome.py'))
    assert set(rome.model.adv_weights.values()) == {0.0005}


def _distinct_models() -> list:
    """One config per distinct model (configs differing only in data or
    optimizer share the model code path)."""
    seen, configs = set(), []
    for config in PAPER_CONFIGS:
        key = Config.fromfile(config).model.to_dict().__repr__()
        if key not in seen:
            seen.add(key)
            configs.append(config)
    return configs


@pytest.mark.parametrize(
    'config', _distinct_models(), ids=lambda c: osp.basename(c))
def test_paper_models_run_one_iteration(config, make_uda_batch):
    cfg = _load_without_pretrained(config)
    model = MODELS.build(cfg.model)
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    num_classes = cfg.model.segmentor.decode_head.num_classes
    # a feature-level discriminator needs 32 px of conv5 features (5 convs
    # of stride 2), i.e. a 256 px input at output stride 8
    size = (256, 256) if 'features' in cfg.model.adv_weights else (64, 64)
    log_vars = model.train_step(
        make_uda_batch(batch_size=1, size=size, num_classes=num_classes),
        optim_wrapper)
    assert all(torch.isfinite(v) for v in log_vars.values())
    assert set(f'loss_adv.{k}' for k in cfg.model.adv_weights) <= set(log_vars)


def test_segformer_config_runs_one_iteration(make_uda_batch):
    cfg = Config.fromfile(
        osp.join(REPO_ROOT,
                 'configs/adaptsegnet/adaptsegnet_segformer-mit-b0_gta2cs.py'))
    assert cfg.model.segmentor.backbone.type == 'MixVisionTransformer'
    assert cfg.model.segmentor.backbone.init_cfg.type == 'LocalPretrained'
    cfg.model.segmentor.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    log_vars = model.train_step(
        make_uda_batch(batch_size=1, size=(64, 64)), optim_wrapper)
    assert torch.isfinite(log_vars['loss_adv.decode_head'])
