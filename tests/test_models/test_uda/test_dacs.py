"""DACS: mean teacher, quality weight, ClassMix, one training step."""
import copy
import math
import os.path as osp
import re

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.optim import build_optim_wrapper
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from uda_test_utils import REPO_ROOT, load_module

from mmseg_uda.models.utils.class_mix import class_mix_masks, mix
from mmseg_uda.models.utils.ema_teacher import EMATeacher
from mmseg_uda.models.utils.pixel_weighted_losses import \
    pixel_weighted_head_losses
from mmseg_uda.models.utils.pseudo_labeler import QualityPseudoLabeler
from mmseg_uda.models.utils.strong_augment import (blur_kernel_size,
                                                   color_jitter, gaussian_blur,
                                                   gaussian_kernel, hsv_to_rgb,
                                                   rgb_to_hsv)


def set_iter(iteration):
    MessageHub.get_current_instance().update_info('iter', iteration)


def params_of(module):
    return {k: v.detach().clone() for k, v in module.named_parameters()}


class Tiny(nn.Module):

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.bn = nn.BatchNorm1d(2)
        self.drop = nn.Dropout(0.5)


# -- mean teacher -----------------------------------------------------------
def test_ema_ramp_follows_min_rule():
    teacher = EMATeacher(Tiny(), alpha=0.99)
    expected = {0: 0., 1: 0.5, 3: 0.75, 9: 0.9, 99: 0.99, 5000: 0.99}
    for t, alpha in expected.items():
        assert teacher.alpha_at(t) == pytest.approx(alpha)
    with pytest.raises(ValueError):
        teacher.alpha_at(-1)
    with pytest.raises(ValueError):
        EMATeacher(Tiny(), alpha=1.5)


@pytest.mark.parametrize('t', [0, 1, 4, 300])
def test_ema_update_reads_the_iteration_from_message_hub(t):
    torch.manual_seed(t)
    student = Tiny()
    teacher = EMATeacher(student, alpha=0.99)
    with torch.no_grad():
        for p in student.parameters():
            p.add_(torch.randn_like(p))
    old, new = params_of(teacher.model), params_of(student)
    old_mean = teacher.model.bn.running_mean.clone()
    student.bn.running_mean.fill_(3.)
    set_iter(t)
    alpha = teacher.update(student)
    assert alpha == pytest.approx(min(1 - 1 / (t + 1), 0.99))
    for name, value in params_of(teacher.model).items():
        torch.testing.assert_close(value,
                                   alpha * old[name] + (1 - alpha) * new[name])
    # buffers are the teacher's own unless in eval_mode (DAFormer)
    torch.testing.assert_close(teacher.model.bn.running_mean, old_mean)
    assert not any(p.requires_grad for p in teacher.parameters())


def test_ema_eval_mode_averages_buffers_and_modes():
    student = Tiny()
    teacher = EMATeacher(student, alpha=0.9, eval_mode=True)
    student.bn.running_mean.fill_(1.)
    teacher.update(student, iteration=50)
    torch.testing.assert_close(teacher.model.bn.running_mean,
                               torch.full((2, ), 0.1))
    teacher.train()
    assert not teacher.model.bn.training
    # default: dropout off, normalisation follows the owner's mode
    teacher = EMATeacher(student).train()
    assert teacher.model.bn.training and not teacher.model.drop.training
    teacher.eval()
    assert not teacher.model.bn.training


def test_ema_update_needs_an_iteration():
    MessageHub.get_instance('test_dacs_without_iter')
    teacher = EMATeacher(Tiny())
    with pytest.raises(RuntimeError, match='MessageHub'):
        teacher.update(Tiny())
    with pytest.raises(ValueError, match='architecture'):
        teacher.update(nn.Linear(3, 2), iteration=1)


# -- pseudo labels and quality ---------------------------------------------
def two_class_logits(differences):
    """Logits whose class-0 softmax is sigmoid(d) per pixel."""
    d = torch.tensor(differences, dtype=torch.float32)
    return torch.stack([d, torch.zeros_like(d)], dim=1)


def test_quality_weight_by_hand():
    # sigmoid(4) = 0.982 > 0.968 > sigmoid(3) = 0.953
    logits = two_class_logits([[[4., -4.], [3., 0.5]], [[-5., -1.], [-0.5,
                                                                     2.]]])
    labels, weights, quality = QualityPseudoLabeler(0.968)(logits)
    assert labels.tolist() == [[[0, 1], [0, 0]], [[1, 1], [1, 0]]]
    # 3 confident pixels of 8 in the batch
    torch.testing.assert_close(quality, torch.full((2, ), 3 / 8))
    torch.testing.assert_close(weights, torch.full((2, 2, 2), 3 / 8))
    # per image: 2 of 4 and 1 of 4
    _, weights, quality = QualityPseudoLabeler(0.968, 'image')(logits)
    torch.testing.assert_close(quality, torch.tensor([0.5, 0.25]))
    torch.testing.assert_close(weights[1], torch.full((2, 2), 0.25))
    # padding: neither counted nor weighted
    valid = torch.ones(2, 2, 2, dtype=torch.bool)
    valid[1, :, 1] = False
    _, weights, quality = QualityPseudoLabeler(0.968, 'image')(logits, valid)
    torch.testing.assert_close(quality, torch.tensor([0.5, 0.5]))
    torch.testing.assert_close(weights[1], torch.tensor([[0.5, 0.], [0.5,
                                                                     0.]]))
    with pytest.raises(ValueError):
        QualityPseudoLabeler(quality_over='pixel')


# -- ClassMix -------------------------------------------------------------
def test_class_mix_masks_take_half_of_the_classes():
    labels = torch.tensor([[[1, 1, 2, 255], [5, 5, 2, 255]],
                           [[0, 0, 0, 0], [3, 3, 3, 3]]])
    masks = class_mix_masks(labels, generator=torch.Generator().manual_seed(0))
    for label, mask in zip(labels, masks):
        classes = [c for c in label.unique().tolist() if c != 255]
        chosen = [c for c in classes if mask[label == c].all()]
        # every class is taken whole or not at all
        assert all(mask[label == c].sum() in (0, (label == c).sum())
                   for c in classes)
        assert len(chosen) == math.ceil(len(classes) / 2)
        assert not mask[label == 255].any()
        torch.testing.assert_close(
            mask,
            torch.isin(label, torch.tensor(chosen)).float())
    again = class_mix_masks(labels, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(masks, again)


def test_mixing_images_labels_and_weights_by_hand():
    mask = torch.tensor([[[1., 0.], [0., 1.]]])
    source = torch.tensor([[[[1., 2.], [3., 4.]]]]).expand(1, 3, 2, 2)
    target = -source
    expected = torch.tensor([[[1., -2.], [-3., 4.]]]).expand(3, 2, 2)
    torch.testing.assert_close(mix(mask, source, target)[0], expected)
    labels = mix(mask, torch.tensor([[[7, 7], [7, 7]]]),
                 torch.tensor([[[1, 2], [3, 4]]]))
    assert labels.tolist() == [[[7, 2], [3, 7]]]
    weights = mix(mask, torch.ones(1, 2, 2), torch.full((1, 2, 2), 0.3))
    torch.testing.assert_close(weights, torch.tensor([[[1., .3], [.3, 1.]]]))
    with pytest.raises(ValueError, match='same size'):
        mix(mask, source, target[..., :1])


# -- strong augmentation -----------------------------------------------------
def test_hsv_round_trip_and_known_colours():
    rgb = torch.tensor([[1., 0., 0.], [0., 1., 0.], [0., 0., 1.],
                        [.5, .5, .5]]).T.reshape(3, 2, 2)
    hsv = rgb_to_hsv(rgb)
    torch.testing.assert_close(hsv[0].flatten(),
                               torch.tensor([0., 1 / 3, 2 / 3, 0.]))
    torch.testing.assert_close(hsv[1].flatten(), torch.tensor([1., 1., 1.,
                                                               0.]))
    images = torch.rand(2, 3, 5, 7, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(hsv_to_rgb(rgb_to_hsv(images)), images)


def test_color_jitter():
    gen = torch.Generator().manual_seed(0)
    images = torch.rand(3, 3, 4, 6, generator=gen)
    # never applied, or applied with strength 0: unchanged
    assert torch.equal(color_jitter(images, prob=0., generator=gen), images)
    torch.testing.assert_close(
        color_jitter(images, strength=0., prob=1., generator=gen), images)
    out = color_jitter(images, 0.2, 1., torch.Generator().manual_seed(5))
    assert not torch.allclose(out, images)
    assert out.min() >= 0 and out.max() <= 1
    torch.testing.assert_close(
        out, color_jitter(images, 0.2, 1.,
                          torch.Generator().manual_seed(5)))


def test_gaussian_blur():
    # DACS' odd kernel of about a tenth of the side
    assert [blur_kernel_size(s) for s in (64, 32, 50, 512)] == [7, 3, 5, 51]
    images = torch.zeros(1, 3, 40, 40)
    images[:, :, 20, 20] = 1.
    assert torch.equal(gaussian_blur(images, prob=0.), images)
    out = gaussian_blur(
        images,
        prob=1.,
        sigma_range=(0.8, 0.8),
        generator=torch.Generator().manual_seed(0))
    kernel = gaussian_kernel(3, 0.8)  # 40 px -> kernel 3
    torch.testing.assert_close(out[0, 0, 19:22, 19:22],
                               kernel[:, None] * kernel[None])
    torch.testing.assert_close(out.sum(), images.sum())


# -- pixel-weighted loss through the stock head -----------------------------
def test_pixel_weighted_head_losses_by_hand(toy_segmentor_cfg):
    model = MODELS.build(toy_segmentor_cfg)
    head = model.decode_head
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 19, 4, 4, generator=gen)
    labels = torch.randint(0, 19, (2, 4, 4), generator=gen)
    labels[0, 0] = 255
    weight = torch.rand(2, 4, 4, generator=gen)
    samples = []
    for label in labels:
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=label[None])
        samples.append(sample)
    losses = pixel_weighted_head_losses({'decode_head': head},
                                        {'decode_head': logits}, samples,
                                        weight)
    ce = F.cross_entropy(logits, labels, ignore_index=255, reduction='none')
    torch.testing.assert_close(losses['decode.loss_ce'], (ce * weight).mean())
    assert head.sampler is None  # restored


# -- DACS -------------------------------------------------------------------
def build_dacs(segmentor_cfg, lr=0.01, **kwargs):
    model = MODELS.build(dict(type='DACS', segmentor=segmentor_cfg, **kwargs))
    model.init_weights()
    optim_wrapper = build_optim_wrapper(
        model,
        dict(
            constructor='MultiOptimWrapperConstructor',
            segmentor=dict(
                type='OptimWrapper',
                optimizer=dict(type='SGD', lr=lr, momentum=0.9))))
    return model, optim_wrapper


def test_dacs_train_step(toy_segmentor_cfg, make_uda_batch):
    torch.manual_seed(0)
    model, optim_wrapper = build_dacs(toy_segmentor_cfg)
    assert set(optim_wrapper.keys()) == {'segmentor'}
    student, teacher = model.model, model.teacher.model
    for name, value in params_of(teacher).items():
        torch.testing.assert_close(value, params_of(student)[name])
    # a teacher that differs from the student, to see the EMA rule at work
    with torch.no_grad():
        for p in teacher.parameters():
            p.add_(0.01)
    teacher_before = params_of(teacher)
    student_before = params_of(student)
    calls = {'student': [], 'teacher': []}
    for key, module in (('student', student), ('teacher', teacher)):
        module.backbone.register_forward_hook(lambda m, i, o, key=key: calls[
            key].append((i[0].shape[0], torch.is_grad_enabled())))

    set_iter(5)
    log_vars = model.train_step(make_uda_batch(batch_size=2), optim_wrapper)

    # student: source once, mixed once; teacher: the target once, no grad
    assert calls == {
        'student': [(2, True), (2, True)],
        'teacher': [(2, False)]
    }
    assert {
        'source.decode.loss_ce', 'source.aux.loss_ce', 'mix.decode.loss_ce',
        'mix.aux.loss_ce', 'mix.decode.acc_seg', 'pseudo_label.quality',
        'loss.segmentor'
    } <= set(log_vars)
    assert 0 <= log_vars['pseudo_label.quality'] <= 1
    total = sum(v for k, v in log_vars.items()
                if k != 'loss.segmentor' and 'loss' in k)
    torch.testing.assert_close(log_vars['loss.segmentor'], total)
    # the student learned, the teacher moved by the EMA rule (alpha_5)
    student_after = params_of(student)
    assert any(not torch.equal(student_before[k], v)
               for k, v in student_after.items())
    alpha = min(1 - 1 / 6, 0.99)
    for name, value in params_of(teacher).items():
        torch.testing.assert_close(
            value,
            alpha * teacher_before[name] + (1 - alpha) * student_after[name])
        assert not teacher.get_parameter(name).requires_grad
        assert teacher.get_parameter(name).grad is None


def test_pseudo_label_margins_zero_the_target_weights(toy_segmentor_cfg,
                                                      make_uda_batch):
    """Margins of PseudoLabelMargins zero the pseudo-label weights of their
    pixels after the quality weight is counted over the whole image."""
    model, optim_wrapper = build_dacs(
        toy_segmentor_cfg, color_jitter=None, blur=None)
    raw = make_uda_batch(batch_size=2, size=(32, 32))
    batch = {d: model.data_preprocessor(raw[d], True) for d in raw}
    seen = {}

    def capture(outputs, data_samples, weights):
        seen['weights'] = weights
        return {}

    model.mix_losses = capture
    model.mix_batch = lambda source, inputs, labels, weights: dict(
        inputs=inputs, data_samples=source['data_samples'], weights=weights)
    # sample 0: top 3 and bottom 5 rows are margins; sample 1: none
    valid = torch.ones(1, 32, 32, dtype=torch.bool)
    valid[:, :3] = False
    valid[:, -5:] = False
    batch['target']['data_samples'][0].set_data(
        dict(valid_pseudo_mask=PixelData(data=valid)))
    set_iter(0)
    outputs = dict(source=model.segmentor(batch['source']['inputs']))
    losses = model.extra_losses(outputs, batch)
    weights = seen['weights']
    quality = losses['pseudo_label.quality']
    torch.testing.assert_close(weights[1], quality.expand(32, 32))
    assert torch.all(weights[0, :3] == 0) and torch.all(weights[0, -5:] == 0)
    torch.testing.assert_close(weights[0, 3:-5], quality.expand(24, 32))


def test_masked_consistency_loss_by_hand(toy_segmentor_cfg, make_uda_batch):
    """MIC in DACS: the student on the masked target learns the teacher's
    labels with the quality weight, times lambda_M; one more student
    forward. With nothing masked and no augmentation the term is the
    pixel-weighted CE of the student on the target itself."""
    torch.manual_seed(0)
    mic = dict(
        type='MaskedImageConsistency',
        mask_ratio=0.,
        loss_weight=0.5,
        color_jitter=None,
        blur=None)
    model, optim_wrapper = build_dacs(
        toy_segmentor_cfg, color_jitter=None, blur=None,
        masked_consistency=mic)
    raw = make_uda_batch(batch_size=2, size=(32, 32))
    target = model.data_preprocessor(copy.deepcopy(raw['target']), True)
    model.train()
    with torch.no_grad():
        labels, weights, _ = model.pseudo_labeler(
            model.teacher(target['inputs']))
        logits = model.segmentor(target['inputs'])['logits']
        samples = model._labelled(target['data_samples'], labels)
        expected = pixel_weighted_head_losses(model.heads, logits, samples,
                                              weights)
    calls = []
    model.model.backbone.register_forward_hook(
        lambda m, i, o: calls.append(torch.is_grad_enabled()))
    set_iter(0)
    log_vars = model.train_step(raw, optim_wrapper)
    assert calls == [True, True, True]  # source, mixed, masked
    torch.testing.assert_close(log_vars['masked.decode.loss_ce'],
                               0.5 * expected['decode.loss_ce'])
    torch.testing.assert_close(log_vars['masked.aux.loss_ce'],
                               0.5 * expected['aux.loss_ce'])
    total = sum(v for k, v in log_vars.items()
                if k != 'loss.segmentor' and 'loss' in k)
    torch.testing.assert_close(log_vars['loss.segmentor'], total)


def test_teacher_in_state_dict_and_loaded_back(toy_segmentor_cfg,
                                               make_uda_batch):
    model, optim_wrapper = build_dacs(toy_segmentor_cfg)
    set_iter(2)
    model.train_step(make_uda_batch(), optim_wrapper)
    state = model.state_dict()
    teacher_keys = [k for k in state if k.startswith('teacher.model.')]
    assert len(teacher_keys) == len(model.teacher.model.state_dict())
    fresh = MODELS.build(dict(type='DACS', segmentor=toy_segmentor_cfg))
    fresh.init_weights()
    fresh.load_state_dict(state)
    for key in teacher_keys:
        assert torch.equal(fresh.state_dict()[key], state[key])
    # the teacher's own weights, not a second copy of the student's
    assert any(not torch.equal(
        state[key], state[key.replace('teacher.model.', 'segmentor.model.')])
               for key in teacher_keys)


def test_dacs_rejects_what_it_does_not_use(toy_segmentor_cfg, make_uda_batch):
    with pytest.raises(ValueError, match='discriminator'):
        MODELS.build(
            dict(
                type='DACS',
                segmentor=toy_segmentor_cfg,
                discriminator=dict(type='FCDiscriminator', in_channels=19)))
    model, optim_wrapper = build_dacs(toy_segmentor_cfg)
    set_iter(0)
    with pytest.raises(ValueError, match='same size'):
        model.train_step(
            make_uda_batch(size=(32, 64), target_size=(40, 48)), optim_wrapper)


def test_dacs_keys_follow_the_log_contract(toy_segmentor_cfg, make_uda_batch):
    contract = load_module(
        osp.join(REPO_ROOT, 'tests/test_models/test_uda/test_log_contract.py'))
    model, optim_wrapper = build_dacs(
        toy_segmentor_cfg, color_jitter=None, blur=None)
    set_iter(0)
    log_vars = model.train_step(make_uda_batch(), optim_wrapper)
    terms = set(log_vars) - {'loss.segmentor'}
    assert all(
        any(re.fullmatch(p, key) for p in contract.TERM_PATTERNS)
        for key in terms), sorted(terms)


# -- configs ----------------------------------------------------------------
def load_config(name):
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs/dacs', name))
    cfg.model.segmentor.backbone.init_cfg = None
    return cfg


def test_paper_settings_of_the_r101_config():
    cfg = load_config('dacs_r101_gta2cs.py')
    assert cfg.model.teacher.alpha == 0.99
    assert cfg.model.pseudo_labeler.threshold == 0.968
    optimizer = cfg.optim_wrapper.segmentor.optimizer
    assert (optimizer.type, optimizer.lr,
            optimizer.weight_decay) == ('SGD', 2.5e-4, 5e-4)
    poly = cfg.param_scheduler.segmentor[0]
    assert (poly.power, poly.end) == (0.9, 250000)
    assert cfg.train_cfg.max_iters == 250000
    assert cfg.train_dataloader.batch_size == 2
    for domain in ('source', 'target'):
        crops = [
            t for t in cfg.train_dataloader.dataset[domain].pipeline
            if t.type == 'RandomCrop'
        ]
        assert [tuple(t.crop_size) for t in crops] == [(512, 512)]
