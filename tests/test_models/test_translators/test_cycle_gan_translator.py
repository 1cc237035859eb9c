import copy

import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmseg.registry import MODELS
from translator_test_utils import (build_optim, build_translator,
                                   consistency_cfg, save_segmentor_checkpoint,
                                   translator_cfg)
from uda_test_utils import make_uda_batch


def snapshot(module: torch.nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in module.named_parameters()}


def changed(before: dict, module: torch.nn.Module) -> dict:
    """Parameter name -> whether it differs from ``before``."""
    return {
        k: not torch.equal(before[k], v)
        for k, v in module.named_parameters()
    }


def batch(seed: int = 0, size=(32, 32)) -> dict:
    return make_uda_batch(batch_size=2, size=size, seed=seed)


@pytest.fixture
def seg_checkpoint(tmp_path):
    path = str(tmp_path / 'segmentor.pth')
    return path, save_segmentor_checkpoint(path)


def test_children_and_logged_losses():
    model, optim = build_translator()
    assert [name for name, _ in model.named_children()] == [
        'data_preprocessor', 'generators', 'discriminators', 'gan_loss',
        'pools'
    ]
    log_vars = model.train_step(batch(), optim)
    expected = {
        f'loss_{term}.{domain}'
        for term in ('gan', 'cycle', 'identity', 'disc')
        for domain in ('source', 'target')
    } | {'loss.generators', 'loss.discriminators'}
    assert set(log_vars) == expected
    assert all(torch.isfinite(v) for v in log_vars.values())
    generator_terms = [
        v for k, v in log_vars.items()
        if k.split('.')[0] in ('loss_gan', 'loss_cycle', 'loss_identity')
    ]
    torch.testing.assert_close(log_vars['loss.generators'],
                               sum(generator_terms))


def test_each_optimizer_updates_only_its_networks():
    # discriminators with lr 0: only the generators may move
    model, optim = build_translator(disc_lr=0.)
    gens, discs = snapshot(model.generators), snapshot(model.discriminators)
    model.train_step(batch(), optim)
    assert all(changed(gens, model.generators).values())
    assert not any(changed(discs, model.discriminators).values())

    # generators with lr 0: only the discriminators may move
    model, optim = build_translator(gen_lr=0.)
    gens, discs = snapshot(model.generators), snapshot(model.discriminators)
    model.train_step(batch(), optim)
    assert not any(changed(gens, model.generators).values())
    assert all(changed(discs, model.discriminators).values())
    # ... and they are trainable again after the generator step froze them
    assert all(p.requires_grad for p in model.discriminators.parameters())


def test_identity_weight_zero_drops_the_identity_terms():
    model, optim = build_translator(identity_weight=0.)
    log_vars = model.train_step(batch(), optim)
    assert not any(k.startswith('loss_identity') for k in log_vars)


def test_discriminators_see_pooled_translations():
    model, optim = build_translator(pool_size=3)
    model.train_step(batch(), optim)
    assert len(model.pools['source']) == len(model.pools['target']) == 2
    model.train_step(batch(seed=1), optim)
    assert len(model.pools['source']) == len(model.pools['target']) == 3


@pytest.mark.parametrize('perceptual,semantic', [(True, False), (False, True),
                                                 (True, True)])
def test_consistency_losses_train_generators_not_the_segmentor(
        seg_checkpoint, perceptual, semantic):
    path, seg_state = seg_checkpoint
    model, optim = build_translator(
        **consistency_cfg(path, perceptual, semantic))
    segmentor = model.frozen_segmentor
    # init_weights loaded the checkpoint
    for name, value in segmentor.state_dict().items():
        torch.testing.assert_close(value, seg_state[name])
    assert not segmentor.training
    assert not any(p.requires_grad for p in segmentor.parameters())

    gens = snapshot(model.generators)
    log_vars = model.train_step(batch(), optim)
    model.train()  # as the runner does; the segmentor must stay in eval
    log_vars.update(model.train_step(batch(seed=1), optim))
    assert not segmentor.training
    for name, value in segmentor.state_dict().items():
        torch.testing.assert_close(value, seg_state[name])
    assert all(p.grad is None for p in segmentor.parameters())
    assert all(changed(gens, model.generators).values())

    per_keys = {
        f'loss_per{kind}.{d}'
        for kind in ('', '_recon')
        for d in ('source', 'target')
    }
    assert (per_keys <= set(log_vars)) == perceptual
    assert ('loss_sem.source' in log_vars) == semantic
    assert all(torch.isfinite(v) for v in log_vars.values())


def test_consistency_losses_send_gradients_to_the_generators(seg_checkpoint):
    path, _ = seg_checkpoint
    model, _ = build_translator(**consistency_cfg(path))
    data = model.data_preprocessor(batch()['source'], True)
    real = dict(source=data['inputs'], target=data['inputs'].flip(3))
    fake = {
        'target': model.generators(real['source'], 'target'),
        'source': model.generators(real['target'], 'source')
    }
    rec = {
        'source': model.generators(fake['target'], 'source'),
        'target': model.generators(fake['source'], 'target')
    }
    for name, loss in model.consistency_losses(real, fake, rec,
                                               data['data_samples']).items():
        model.generators.zero_grad()
        loss.backward(retain_graph=True)
        grad = sum(p.grad.abs().sum() for p in model.generators.parameters()
                   if p.grad is not None)
        assert grad > 0, name


def test_checkpoint_holds_the_translator_but_not_the_segmentor(seg_checkpoint):
    path, _ = seg_checkpoint
    model, _ = build_translator(**consistency_cfg(path))
    keys = set(model.state_dict())
    assert keys and all(
        k.split('.')[0] in ('generators', 'discriminators', 'pools')
        for k in keys)
    # ... and a model built from the same config loads it strictly
    other = MODELS.build(translator_cfg(**consistency_cfg(path)))
    other.load_state_dict(model.state_dict(), strict=True)


def test_optimizers_never_see_the_segmentor(seg_checkpoint):
    path, _ = seg_checkpoint
    model, optim = build_translator(**consistency_cfg(path))
    optimized = {
        id(p)
        for wrapper in optim.values()
        for group in wrapper.optimizer.param_groups
        for p in group['params']
    }
    assert optimized == {id(p) for p in model.parameters()}
    assert not optimized & {id(p) for p in model.frozen_segmentor.parameters()}


def test_segmentor_gets_its_own_normalisation_and_channel_order(
        seg_checkpoint):
    path, _ = seg_checkpoint
    cfg = consistency_cfg(path)
    # a caffe-style segmentor: BGR, other mean and std
    cfg['segmentor']['data_preprocessor'].update(
        mean=[104., 117., 123.], std=[1., 2., 3.], bgr_to_rgb=False)
    model, _ = build_translator(**cfg)
    seg_model = model.frozen_segmentor
    raw = batch()['source']
    expected = seg_model.data_preprocessor(copy.deepcopy(raw), False)['inputs']
    seen = []
    seg_model.extract_feat = lambda x: seen.append(x) or [x] * 4
    seg_model.decode_head.forward = lambda feats: feats[0]
    model.segment(model.data_preprocessor(raw, True)['inputs'])
    torch.testing.assert_close(seen[0], expected, rtol=0, atol=1e-4)


def test_direction_picks_the_translator():
    model, _ = build_translator()
    x = torch.rand(1, 3, 16, 16) * 2 - 1
    with torch.no_grad():
        torch.testing.assert_close(
            model(x), model.generators.target(x))  # source_to_target
        model.direction = 'target_to_source'
        torch.testing.assert_close(model(x), model.generators.source(x))


def test_moving_the_model_moves_the_frozen_segmentor(seg_checkpoint):
    path, _ = seg_checkpoint
    model, _ = build_translator(**consistency_cfg(path))
    model.to(torch.float64)
    assert all(p.dtype == torch.float64
               for p in model.frozen_segmentor.parameters())


@pytest.mark.parametrize('kwargs,match', [
    (dict(direction='sideways'), 'direction'),
    (dict(perceptual_loss=dict(type='SegPerceptualLoss')), 'segmentor'),
])
def test_bad_configs_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MODELS.build(translator_cfg(**kwargs))


def test_segmentor_without_checkpoint_is_refused(seg_checkpoint):
    cfg = consistency_cfg(seg_checkpoint[0])
    cfg['segmentor_checkpoint'] = None
    with pytest.raises(ValueError, match='segmentor_checkpoint'):
        MODELS.build(translator_cfg(**cfg))


def test_missing_segmentor_checkpoint_names_the_path(tmp_path):
    model = MODELS.build(
        translator_cfg(**consistency_cfg(str(tmp_path / 'missing.pth'))))
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        model.init_weights()


def test_semantic_loss_needs_source_labels(seg_checkpoint):
    model, optim = build_translator(
        **consistency_cfg(seg_checkpoint[0], perceptual=False))
    data = batch()
    for sample in data['source']['data_samples']:
        del sample.gt_sem_seg
    with pytest.raises(KeyError, match='LoadUDAAnnotations'):
        model.train_step(data, optim)


def test_a_single_optimizer_is_refused():
    model, optim = build_translator()
    with pytest.raises(TypeError, match='MultiOptimWrapperConstructor'):
        model.train_step(batch(), optim['generators'])


def test_optimizer_config_must_cover_both_children():
    model = MODELS.build(translator_cfg())
    with pytest.raises(KeyError, match='discriminators'):
        build_optim_wrapper(
            model,
            dict(
                constructor='MultiOptimWrapperConstructor',
                generators=dict(
                    type='OptimWrapper', optimizer=dict(type='Adam',
                                                        lr=2e-4))))
    assert set(build_optim(model).keys()) == {'generators', 'discriminators'}
