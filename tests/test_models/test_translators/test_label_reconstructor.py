"""LabelReconstructor: LDR's pre-training of M on source labels."""
import copy
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmseg.registry import MODELS
from uda_test_utils import REPO_ROOT, ldr_cfg, toy_segmentor_cfg

CHILDREN = ('reconstructor', 'recon_discriminator')


def build(**kwargs):
    cfg = ldr_cfg(toy_segmentor_cfg())
    model = MODELS.build(
        dict(
            type='LabelReconstructor',
            reconstructor=cfg['reconstructor'],
            recon_discriminator=cfg['recon_discriminator'],
            perceptual_loss=cfg['perceptual_loss'],
            **kwargs))
    model.init_weights()
    adam = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3))
    optim_wrapper = build_optim_wrapper(
        model,
        dict(
            constructor='MultiOptimWrapperConstructor',
            reconstructor=adam,
            recon_discriminator=adam))
    return model, optim_wrapper


def labelled_batch(make_uda_batch):
    batch = make_uda_batch(batch_size=2)['source']
    batch['data_samples'][0].gt_sem_seg.data[:, :4, :] = 255
    return batch


def flat(module):
    return torch.cat([p.detach().flatten() for p in module.parameters()])


def test_one_step_trains_m_then_its_discriminators(make_uda_batch):
    model, optim_wrapper = build()
    changed = []
    for key, wrapper in optim_wrapper.items():
        original = wrapper.step

        def step(*args, key=key, original=original, **kwargs):
            before = {c: flat(getattr(model, c)).clone() for c in CHILDREN}
            original(*args, **kwargs)
            changed.append((key, [
                c for c in CHILDREN
                if not torch.equal(before[c], flat(getattr(model, c)))
            ]))

        wrapper.step = step
    inputs = []
    model.reconstructor.register_forward_hook(
        lambda module, args, output: inputs.append(args[0]))
    scale_calls = [0, 0, 0]
    for k, scale in enumerate(model.recon_discriminator.scales):
        scale.layers[0].register_forward_hook(
            lambda *_, k=k: scale_calls.__setitem__(k, scale_calls[k] + 1))
    batch = labelled_batch(make_uda_batch)
    log_vars = model.train_step(copy.deepcopy(batch), optim_wrapper)
    assert changed == [('reconstructor', ['reconstructor']),
                       ('recon_discriminator', ['recon_discriminator'])]
    assert {'loss_gan', 'loss_fm', 'loss_vgg', 'loss_disc',
            'loss.reconstructor', 'loss.recon_discriminator'} == set(log_vars)
    # M sees the one-hot labels once; ignored pixels are all zero
    assert len(inputs) == 1
    labels = batch['data_samples'][0].gt_sem_seg.data[0]
    one_hot = inputs[0][0]
    assert one_hot.shape[0] == 19
    assert (one_hot[:, :4] == 0).all()
    torch.testing.assert_close(one_hot[:, 4:].argmax(0), labels[4:])
    # each D_k: real pair, reconstruction for M, detached for itself
    assert scale_calls == [3, 3, 3]


def test_weights_of_the_pix2pixhd_terms(make_uda_batch):
    model, optim_wrapper = build(gan_weight=0.5, rec_weight=3.)
    data = model.data_preprocessor(labelled_batch(make_uda_batch), True)
    with torch.no_grad():
        rec = model.reconstruction_loss.judge(
            model.reconstructor, model.recon_discriminator,
            model.label_maps(data['data_samples']), data['inputs'])
        terms = model.reconstruction_loss.generator_terms(rec)
    log_vars = model.train_step(labelled_batch(make_uda_batch), optim_wrapper)
    torch.testing.assert_close(log_vars['loss_gan'], 0.5 * terms['loss_gan'])
    torch.testing.assert_close(log_vars['loss_fm'], 3. * terms['loss_fm'])
    torch.testing.assert_close(log_vars['loss_vgg'], 3. * terms['loss_vgg'])


def test_tensor_mode_reconstructs_the_labels(make_uda_batch):
    model, _ = build()
    data = model.data_preprocessor(labelled_batch(make_uda_batch), False)
    with torch.no_grad():
        images = model(data['inputs'], data['data_samples'])
    assert images.shape == (2, 3, 32, 64)
    with pytest.raises(NotImplementedError, match='tensor'):
        model(data['inputs'], data['data_samples'], mode='loss')


def test_wrong_batches_are_explained(make_uda_batch):
    model, optim_wrapper = build()
    with pytest.raises(TypeError, match='not a UDADataset'):
        model.train_step(make_uda_batch(), optim_wrapper)
    batch = make_uda_batch()['target']  # no labels
    with pytest.raises(KeyError, match='LoadUDAAnnotations'):
        model.train_step(batch, optim_wrapper)


@pytest.mark.parametrize(
    'config', [
        'configs/ldr/ldr_recon-pretrain_gta5.py',
        'configs/ldr/ldr_recon-pretrain_toy-gta5.py'
    ],
    ids=osp.basename)
def test_pretraining_configs_run_one_iteration(config, make_uda_batch):
    cfg = Config.fromfile(osp.join(REPO_ROOT, config))
    assert cfg.model.type == 'LabelReconstructor'
    assert (cfg.model.gan_weight, cfg.model.rec_weight) == (1.0, 10.0)
    for key in CHILDREN:
        optimizer = cfg.optim_wrapper[key].optimizer
        assert (optimizer.type, optimizer.lr,
                tuple(optimizer.betas)) == ('Adam', 2e-4, (0.5, 0.999))
        decay = cfg.param_scheduler[key][0]
        assert (decay.type, decay.end_factor,
                decay.end) == ('LinearLR', 0., cfg.train_cfg.max_iters)
    assert cfg.train_dataloader.batch_size == 1
    cfg.model.perceptual_loss.pretrained = None
    model = MODELS.build(cfg.model)
    model.init_weights()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    log_vars = model.train_step(labelled_batch(make_uda_batch),
                                optim_wrapper)
    assert all(torch.isfinite(v) for v in log_vars.values())
