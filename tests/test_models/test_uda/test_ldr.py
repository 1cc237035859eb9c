"""LDR: Eq. 6 in one step, its four optimizers, the ablation, the configs."""
import copy
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from uda_test_utils import (REPO_ROOT, build_ldr, build_ldr_optim_wrapper,
                            ldr_cfg)

from mmseg_uda.models.utils import set_requires_grad

CHILDREN = ('segmentor', 'discriminator', 'reconstructor',
            'recon_discriminator')


def plain_segmentor(toy_segmentor_cfg):
    return dict(toy_segmentor_cfg, auxiliary_head=None)


def with_pseudo_labels(batch, seed=0):
    generator = torch.Generator().manual_seed(seed)
    for sample in batch['target']['data_samples']:
        label = torch.randint(0, 19, (1, 32, 64), generator=generator)
        label[:, :, :16] = 255
        sample.gt_sem_seg = PixelData(data=label)
    return batch


def flat(module):
    return torch.cat(
        [p.detach().flatten().clone() for p in module.parameters()])


def spy_steps(model, optim_wrapper):
    """Record, per optimizer step, which children it changed and the
    gradients it saw."""
    steps, grads = [], {}
    for key, wrapper in optim_wrapper.items():
        original = wrapper.step

        def step(*args, key=key, original=original, **kwargs):
            grads[key] = [
                p.grad.clone() if p.grad is not None else None
                for p in getattr(model, key).parameters()
            ]
            before = {c: flat(getattr(model, c)) for c in CHILDREN}
            original(*args, **kwargs)
            steps.append((key, [
                c for c in CHILDREN
                if not torch.equal(before[c], flat(getattr(model, c)))
            ]))

        wrapper.step = step
    return steps, grads


def test_each_optimizer_updates_only_its_own_child(toy_segmentor_cfg,
                                                   make_uda_batch):
    model, optim_wrapper = build_ldr(plain_segmentor(toy_segmentor_cfg))
    steps, _ = spy_steps(model, optim_wrapper)
    log_vars = model.train_step(
        with_pseudo_labels(make_uda_batch()), optim_wrapper)
    # M first (its backward yields dL/dOmega), then G, D and D_1..3
    order = ('reconstructor', 'segmentor', 'discriminator',
             'recon_discriminator')
    assert steps == [(name, [name]) for name in order]
    for domain in ('source', 'target'):
        for term in ('gan', 'fm', 'vgg'):
            assert torch.isfinite(log_vars[f'{domain}.loss_rec_{term}'])
        assert f'loss_rec_disc.{domain}' in log_vars
    assert {
        'source.decode.loss_ce', 'target.decode.loss_ce',
        'loss_adv.decode_head', 'loss_disc.decode_head.source',
        'loss_disc.decode_head.target', 'loss.segmentor', 'loss.discriminator',
        'loss.reconstructor', 'loss.recon_discriminator'
    } <= set(log_vars)


def count_forwards(model):
    calls = dict(segmentor=0, discriminator=0, reconstructor=0, vgg=0)
    calls.update({f'recon_discriminator.{k}': 0 for k in range(3)})

    def counter(name):

        def hook(module, inputs, output):
            calls[name] += 1

        return hook

    model.model.backbone.register_forward_hook(counter('segmentor'))
    model.discriminator.register_forward_hook(counter('discriminator'))
    model.reconstructor.register_forward_hook(counter('reconstructor'))
    for k, scale in enumerate(model.recon_discriminator.scales):
        # forward_features, not forward, runs the layers
        scale.layers[0].register_forward_hook(
            counter(f'recon_discriminator.{k}'))
    if model.reconstruction_loss.perceptual_loss is not None:
        model.reconstruction_loss.perceptual_loss.vgg.register_forward_hook(
            counter('vgg'))
    return calls


def test_every_image_goes_through_each_network_once(toy_segmentor_cfg,
                                                    make_uda_batch):
    model, optim_wrapper = build_ldr(plain_segmentor(toy_segmentor_cfg))
    calls = count_forwards(model)
    model.train_step(with_pseudo_labels(make_uda_batch()), optim_wrapper)
    assert calls == {
        # G and M once per domain
        'segmentor': 2,
        'reconstructor': 2,
        # V(M(Omega)) and V(X) per domain
        'vgg': 4,
        # D: the target map in G's term, both maps in its own step (BDL)
        'discriminator': 3,
        # D_k per domain: the real pair once (FM targets and D_k's own
        # loss), the reconstruction in M's term and, detached, in D_k's
        **{
            f'recon_discriminator.{k}': 6
            for k in range(3)
        }
    }


def test_alpha_beta_zero_skips_the_reconstruction(toy_segmentor_cfg,
                                                  make_uda_batch):
    model, optim_wrapper = build_ldr(
        plain_segmentor(toy_segmentor_cfg), alpha=0., beta=0.)
    assert model.reconstruction_loss.perceptual_loss is None
    calls = count_forwards(model)
    untouched = {c: flat(getattr(model, c)) for c in CHILDREN[2:]}
    trained = {c: flat(getattr(model, c)) for c in CHILDREN[:2]}
    for seed in range(2):
        log_vars = model.train_step(
            with_pseudo_labels(make_uda_batch(seed=seed)), optim_wrapper)
    for child, before in untouched.items():
        assert torch.equal(before, flat(getattr(model, child))), child
    for child, before in trained.items():
        assert not torch.equal(before, flat(getattr(model, child))), child
    assert calls['reconstructor'] == calls['recon_discriminator.0'] == 0
    assert not any('rec' in key for key in log_vars)
    assert calls['segmentor'] == 4


def reference_gradients(model, batch, alpha, beta):
    """G's and M's gradients of Eq. 6 from a single graph (no split)."""
    model = copy.deepcopy(model)
    source = model.data_preprocessor(batch['source'], True)
    target = model.data_preprocessor(batch['target'], True)
    set_requires_grad(model.discriminator, False)
    model.with_reconstruction = False  # the segmentation terms only
    losses, outputs = model.generator_losses(
        dict(source=source, target=target))
    total, _ = model.parse_losses(losses)
    for domain, data in (('source', source), ('target', target)):
        omega = model.label_map(outputs[domain]['logits']['decode_head'],
                                data['inputs'].shape[2:])
        rec = model.reconstruction_loss.judge(model.reconstructor,
                                              model.recon_discriminator, omega,
                                              model.to_image(data['inputs']))
        terms = model.reconstruction_loss.generator_terms(rec)
        total = total + alpha * terms['loss_gan'] + beta * (
            terms['loss_fm'] + terms['loss_vgg'])
    total.backward()
    return {
        name: [p.grad for p in getattr(model, name).parameters()]
        for name in ('segmentor', 'reconstructor')
    }


def assert_grads_close(got, expected):
    for a, b in zip(got, expected):
        if b is None:
            assert a is None or not a.abs().any()
        else:
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize('scale', [1.0, 0.25])
def test_the_segmentor_gets_the_gradient_of_eq_6(toy_segmentor_cfg,
                                                 make_uda_batch, scale):
    """Splitting the graph at Omega (M's backward first) gives G exactly the
    gradient of the whole objective (``segmentor_rec_scale`` times its
    reconstruction part)."""
    torch.manual_seed(0)
    model, optim_wrapper = build_ldr(
        plain_segmentor(toy_segmentor_cfg),
        alpha=0.5,
        beta=2.,
        tau=0.3,
        segmentor_rec_scale=scale)
    batch = with_pseudo_labels(make_uda_batch())
    full = reference_gradients(model, copy.deepcopy(batch), 0.5, 2.)
    without = reference_gradients(
        model, copy.deepcopy(batch), alpha=0., beta=0.)
    _, grads = spy_steps(model, optim_wrapper)
    model.train_step(batch, optim_wrapper)
    expected = [
        None if a is None else b + scale * (a - b)
        for a, b in zip(full['segmentor'], without['segmentor'])
    ]
    assert_grads_close(grads['segmentor'], expected)
    # M minimises the whole reconstruction objective whatever the scale
    assert_grads_close(grads['reconstructor'], full['reconstructor'])
    # the reconstruction terms do reach G
    difference = sum((a - b).abs().sum()
                     for a, b in zip(full['segmentor'], without['segmentor'])
                     if a is not None)
    assert difference > 1e-3


def test_reconstructor_gan_weight_changes_only_ms_gradient(
        toy_segmentor_cfg, make_uda_batch):
    grads = {}
    for weight in (None, 1.0):
        torch.manual_seed(0)
        model, optim_wrapper = build_ldr(
            plain_segmentor(toy_segmentor_cfg),
            alpha=0.5,
            tau=0.3,
            reconstructor_gan_weight=weight)
        _, grads[weight] = spy_steps(model, optim_wrapper)
        model.train_step(with_pseudo_labels(make_uda_batch()), optim_wrapper)
    assert_grads_close(grads[1.0]['segmentor'], grads[None]['segmentor'])
    assert any(not torch.allclose(a, b) for a, b in zip(
        grads[1.0]['reconstructor'], grads[None]['reconstructor']))


def test_the_vgg_is_in_no_state_dict_and_no_optimizer(toy_segmentor_cfg):
    model, optim_wrapper = build_ldr(plain_segmentor(toy_segmentor_cfg))
    assert not any('vgg' in key for key in model.state_dict())
    vgg = {
        id(p)
        for p in model.reconstruction_loss.perceptual_loss.vgg.parameters()
    }
    assert vgg
    for wrapper in optim_wrapper.values():
        for group in wrapper.optimizer.param_groups:
            assert not vgg & {id(p) for p in group['params']}
    assert sorted(optim_wrapper.keys()) == sorted(CHILDREN)


def test_m_and_d_k_start_from_their_pre_training(toy_segmentor_cfg, tmp_path):
    cfg = ldr_cfg(plain_segmentor(toy_segmentor_cfg))
    pretrained = MODELS.build(
        dict(
            type='LabelReconstructor',
            reconstructor=cfg['reconstructor'],
            recon_discriminator=cfg['recon_discriminator'],
            perceptual_loss=cfg['perceptual_loss']))
    pretrained.init_weights()
    checkpoint = str(tmp_path / 'recon.pth')
    torch.save(dict(state_dict=pretrained.state_dict()), checkpoint)
    model, _ = build_ldr(
        plain_segmentor(toy_segmentor_cfg),
        reconstructor_checkpoint=checkpoint)
    for child in ('reconstructor', 'recon_discriminator'):
        torch.testing.assert_close(
            flat(getattr(model, child)), flat(getattr(pretrained, child)))

    missing = str(tmp_path / 'none.pth')
    with pytest.raises(FileNotFoundError, match='reconstructor_checkpoint'):
        build_ldr(
            plain_segmentor(toy_segmentor_cfg),
            reconstructor_checkpoint=missing)
    torch.save(dict(state_dict=model.model.state_dict()), missing)
    with pytest.raises(KeyError, match='LabelReconstructor'):
        build_ldr(
            plain_segmentor(toy_segmentor_cfg),
            reconstructor_checkpoint=missing)


def test_images_reach_m_as_rgb_in_minus_one_one(toy_segmentor_cfg,
                                                make_uda_batch):
    batch = make_uda_batch(batch_size=1)
    for bgr_to_rgb in (True, False):
        segmentor = plain_segmentor(toy_segmentor_cfg)
        segmentor['data_preprocessor'] = dict(
            segmentor['data_preprocessor'], bgr_to_rgb=bgr_to_rgb)
        model = MODELS.build(ldr_cfg(segmentor))
        data = model.data_preprocessor(copy.deepcopy(batch['source']), True)
        bgr = batch['source']['inputs'][0].float()
        expected = bgr.flip(0) / 127.5 - 1.
        torch.testing.assert_close(
            model.to_image(data['inputs'])[0], expected, rtol=0, atol=1e-5)


def test_channel_mismatch_names_the_setting(toy_segmentor_cfg):
    cfg = ldr_cfg(plain_segmentor(toy_segmentor_cfg))
    cfg['reconstructor'] = dict(cfg['reconstructor'], in_channels=3)
    with pytest.raises(ValueError, match='set its in_channels to 19'):
        MODELS.build(cfg)


def test_reconstruct_draws_the_prediction(toy_segmentor_cfg, make_uda_batch):
    model, _ = build_ldr(plain_segmentor(toy_segmentor_cfg))
    data = model.data_preprocessor(make_uda_batch()['target'], False)
    with torch.no_grad():
        images = model.reconstruct(data['inputs'])
    assert images.shape == data['inputs'].shape
    assert images.abs().max() <= 1
    assert not hasattr(model, 'translate')  # not a translator for the hooks


LDR_CONFIGS = sorted(
    c for c in glob.glob(osp.join(REPO_ROOT, 'configs/ldr/*.py'))
    if not c.endswith('_pipeline.py'))
PAPER_CONFIGS = [c for c in LDR_CONFIGS if '_r101_' in c]


def test_paper_configs_carry_the_paper_settings():
    assert len(PAPER_CONFIGS) == 12
    for config in PAPER_CONFIGS:
        cfg = Config.fromfile(config)
        model = cfg.model
        assert model.type == 'LDR'
        ablation = 't2s-only' in config
        assert (model.alpha, model.beta) == ((0., 0.) if ablation else
                                             (0.001, 10.0))
        tau = float(
            config.split('-tau')[1][:-3]) if '-tau' in config else (0.001)
        assert model.tau == tau
        assert dict(model.adv_weights) == dict(decode_head=0.001)
        assert model.gan_loss.gan_type == 'vanilla'  # Eq. 2's log loss
        assert model.reconstructor.num_blocks == 9
        assert model.recon_discriminator.num_scales == 3
        seg = cfg.optim_wrapper.segmentor.optimizer
        assert (seg.type, seg.lr, seg.momentum,
                seg.weight_decay) == ('SGD', 2.5e-4, 0.9, 5e-4)
        for key in ('reconstructor', 'recon_discriminator'):
            optimizer = cfg.optim_wrapper[key].optimizer
            assert (optimizer.type, optimizer.lr,
                    tuple(optimizer.betas)) == ('Adam', 2e-4, (0.5, 0.999))
            assert cfg.param_scheduler[key][0].end == cfg.train_cfg.max_iters
        poly = cfg.param_scheduler.segmentor[0]
        assert (poly.type, poly.power) == ('PolyLR', 0.9)
        assert cfg.train_dataloader.batch_size == 1
        source = cfg.train_dataloader.dataset.source
        target = cfg.train_dataloader.dataset.target
        assert not source.data_root.endswith('style')  # untranslated
        assert target.data_root.endswith('style')  # translated to source
        assert cfg.val_dataloader.dataset.data_root == target.data_root
        assert cfg.test_dataloader.dataset.data_root == target.data_root
        labelled = 'round0' not in config
        assert (target.get('seg_map_suffix') == '_pseudo.png') == labelled


@pytest.mark.parametrize('config', LDR_CONFIGS, ids=osp.basename)
def test_every_config_builds(config):
    cfg = Config.fromfile(config)
    model = MODELS.build(cfg.model)
    build_optim_wrapper(model, cfg.optim_wrapper)


@pytest.mark.parametrize(
    'config',
    ['configs/ldr/ldr_r101_gta2cs.py', 'configs/ldr/ldr_r101_synthia2cs.py'],
    ids=osp.basename)
def test_paper_configs_run_one_iteration(config, make_uda_batch):
    cfg = Config.fromfile(osp.join(REPO_ROOT, config))
    cfg.model.segmentor.backbone.init_cfg = None
    cfg.model.perceptual_loss.pretrained = None
    cfg.model.reconstructor_checkpoint = None
    model = MODELS.build(cfg.model)
    model.init_weights()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    before = {c: flat(getattr(model, c)) for c in CHILDREN}
    log_vars = model.train_step(
        with_pseudo_labels(make_uda_batch(batch_size=1)), optim_wrapper)
    assert all(torch.isfinite(v) for v in log_vars.values())
    assert 'target.decode.loss_ce' in log_vars
    for child in CHILDREN:
        assert not torch.equal(before[child], flat(getattr(model, child)))


def test_the_optimizer_builder_helper_matches_the_children(toy_segmentor_cfg):
    model = MODELS.build(ldr_cfg(plain_segmentor(toy_segmentor_cfg)))
    assert sorted(build_ldr_optim_wrapper(model).keys()) == sorted(CHILDREN)
