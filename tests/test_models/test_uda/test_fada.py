import copy
import functools
import glob
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmseg.models.utils import resize
from mmseg.registry import DATASETS, MODELS
from uda_test_utils import REPO_ROOT, build_uda_optim_wrapper

from mmseg_uda.models import DomainEncodingLoss

FADA_CONFIGS = sorted(
    c for c in glob.glob(osp.join(REPO_ROOT, 'configs/fada/*.py'))
    if not c.endswith('_pipeline.py'))


def build_fada(segmentor_cfg, seg_lr=0.01, disc_lr=1e-3, **kwargs):
    """A small FADA on the 64-d layer4 features of the test segmentor."""
    cfg = dict(
        type='FADA',
        segmentor=segmentor_cfg,
        discriminator=dict(
            type='FineGrainedDiscriminator',
            in_channels=64,
            num_classes=19,
            channels=(16, 8)),
        adv_weight=0.1)
    cfg.update(kwargs)
    model = MODELS.build(cfg)
    model.init_weights()
    return model, build_uda_optim_wrapper(model, seg_lr, disc_lr)


def params_of(module):
    return [p.detach().clone() for p in module.parameters()]


def test_train_step_updates_segmentor_and_discriminator(
        toy_segmentor_cfg, make_uda_batch):
    model, optim_wrapper = build_fada(toy_segmentor_cfg)
    seg_before = params_of(model.segmentor)
    disc_before = params_of(model.discriminator)
    log_vars = model.train_step(make_uda_batch(), optim_wrapper)
    assert {
        'source.decode.loss_ce', 'source.aux.loss_ce', 'loss_adv.features',
        'loss_disc.features.source', 'loss_disc.features.target'
    } <= set(log_vars)
    assert all(torch.isfinite(v) for v in log_vars.values())
    assert any(not torch.equal(a, b)
               for a, b in zip(seg_before, params_of(model.segmentor)))
    assert any(not torch.equal(a, b)
               for a, b in zip(disc_before, params_of(model.discriminator)))
    assert all(p.requires_grad for p in model.discriminator.parameters())


def forward_once(model, batch, domain):
    """Layer4 features and decode-head logits of one preprocessed domain."""
    data = model.data_preprocessor(batch[domain], True)
    features = model.model.extract_feat(data['inputs'])
    logits = model.model.decode_head(features)
    return data, features[-1], logits


@pytest.mark.parametrize('label_type', ['soft', 'hard'])
def test_losses_follow_equations_5_and_6(toy_segmentor_cfg, make_uda_batch,
                                         label_type):
    # lr = 0: parameters stay, so the logged losses can be recomputed.
    encoding = dict(
        type='DomainEncodingLoss',
        label_type=label_type,
        confidence_threshold=0.)
    model, optim_wrapper = build_fada(
        toy_segmentor_cfg, seg_lr=0., disc_lr=0., domain_encoding=encoding)
    batch = make_uda_batch(seed=3, size=(32, 64), target_size=(40, 48))
    log_vars = model.train_step(copy.deepcopy(batch), optim_wrapper)

    loss = DomainEncodingLoss(label_type, confidence_threshold=0.)
    disc = model.discriminator
    with torch.no_grad():
        expected = {}
        for domain in ('source', 'target'):
            data, feats, logits = forward_once(model, batch, domain)
            size = data['inputs'].shape[2:]
            # both the discriminator logits and the class logits at the
            # input size (loss_resolution='image')
            d_logits = F.interpolate(
                disc.layers(feats), size, mode='bilinear', align_corners=False)
            c_logits = resize(logits, size, mode='bilinear')
            expected[domain] = (d_logits, c_logits)
        # Eq. 6: target features encoded as source, times lambda_adv
        adv = 0.1 * loss(*expected['target'], 'source')
        # Eq. 5: source -> [a; 0], target -> [0; a]
        d_src = loss(*expected['source'], 'source')
        d_tgt = loss(*expected['target'], 'target')
    torch.testing.assert_close(log_vars['loss_adv.features'], adv)
    torch.testing.assert_close(log_vars['loss_disc.features.source'], d_src)
    torch.testing.assert_close(log_vars['loss_disc.features.target'], d_tgt)


@pytest.mark.parametrize('label_type', ['soft', 'hard'])
def test_discriminator_accuracy_and_encoding_statistics_are_logged(
        toy_segmentor_cfg, make_uda_batch, label_type):
    """The discriminator returns hand-made 2K-channel logits of 1 x 2
    pixels (source features are 4x8, target 5x6): the logged accuracies
    are theirs; the encoding statistics those of the class logits."""
    encoding = dict(type='DomainEncodingLoss', label_type=label_type)
    model, optim_wrapper = build_fada(
        toy_segmentor_cfg, domain_encoding=encoding, loss_resolution='feature')
    real_forward = model.discriminator.forward
    calls, class_logits = [], {}

    def channel_peak(*channels):
        logits = torch.zeros(1, 38, 1, len(channels))
        for pixel, channel in enumerate(channels):
            logits[0, channel, 0, pixel] = 5.
        return logits

    # source: pixel 0 in the source half (right), pixel 1 in the target
    # half (wrong); target: both pixels in the target half
    made = dict(source=channel_peak(0, 20), target=channel_peak(22, 37))

    def hand_made(features, size=None):
        out = real_forward(features, size)
        domain = 'source' if features.shape[2] == 4 else 'target'
        calls.append(domain)
        return made[domain] + 0 * out.sum()

    model.discriminator.forward = hand_made
    original = model.domain_encoding.knowledge_statistics

    def spy(logits):
        class_logits[len(class_logits)] = logits
        return original(logits)

    model.domain_encoding.knowledge_statistics = spy
    log_vars = model.train_step(
        make_uda_batch(size=(32, 64), target_size=(40, 48)), optim_wrapper)
    assert calls == ['target', 'source', 'target']
    assert log_vars['acc_disc.features.source'].item() == pytest.approx(0.5)
    assert log_vars['acc_disc.features.target'].item() == pytest.approx(1.)
    # the statistics of the class logits at the discriminator's resolution
    for index, domain in enumerate(('source', 'target')):
        assert class_logits[index].shape[2:] == (1, 2)
        stats = DomainEncodingLoss(label_type).knowledge_statistics(
            class_logits[index])
        for key in ('kept', 'entropy'):
            torch.testing.assert_close(log_vars[f'encoding.{domain}.{key}'],
                                       stats[key])
    if label_type == 'soft':
        assert log_vars['encoding.source.kept'].item() == 1.


def test_official_code_options(toy_segmentor_cfg, make_uda_batch):
    batch = make_uda_batch(seed=5)
    paper, optim_wrapper = build_fada(toy_segmentor_cfg, seg_lr=0., disc_lr=0.)
    paper_vars = paper.train_step(copy.deepcopy(batch), optim_wrapper)
    official, optim_wrapper = build_fada(
        toy_segmentor_cfg,
        seg_lr=0.,
        disc_lr=0.,
        source_ce_temperature=1.8,
        disc_term_weight=0.5)
    official.load_state_dict(paper.state_dict())
    official_vars = official.train_step(copy.deepcopy(batch), optim_wrapper)
    # halved discriminator terms
    for key in ('loss_disc.features.source', 'loss_disc.features.target'):
        torch.testing.assert_close(official_vars[key], 0.5 * paper_vars[key])
    # the source cross-entropy on logits / 1.8
    with torch.no_grad():
        data, _, logits = forward_once(official, batch, 'source')
        logits = resize(
            logits / 1.8, data['inputs'].shape[2:], mode='bilinear')
        labels = torch.stack(
            [s.gt_sem_seg.data[0] for s in data['data_samples']])
        tempered_ce = F.cross_entropy(logits, labels, ignore_index=255)
    torch.testing.assert_close(official_vars['source.decode.loss_ce'],
                               tempered_ce)
    assert not torch.allclose(paper_vars['source.decode.loss_ce'], tempered_ce)
    torch.testing.assert_close(official_vars['loss_adv.features'],
                               paper_vars['loss_adv.features'])


@pytest.mark.parametrize('resolution, size', [('image', (32, 64)),
                                              ('feature', (4, 8))])
def test_loss_resolution(toy_segmentor_cfg, make_uda_batch, resolution, size):
    model, optim_wrapper = build_fada(
        toy_segmentor_cfg, loss_resolution=resolution)
    shapes = []
    original = model.domain_encoding.forward

    def spy(disc_logits, class_logits, domain):
        shapes.append(
            (tuple(disc_logits.shape[2:]), tuple(class_logits.shape[2:])))
        return original(disc_logits, class_logits, domain)

    model.domain_encoding.forward = spy
    model.train_step(make_uda_batch(size=(32, 64)), optim_wrapper)
    assert shapes == [(size, size)] * 3  # adversarial, D source, D target


def test_discriminator_frozen_during_segmentor_step(toy_segmentor_cfg,
                                                    make_uda_batch):
    model, optim_wrapper = build_fada(toy_segmentor_cfg)
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


def test_discriminator_step_leaves_the_segmentor_alone(toy_segmentor_cfg,
                                                       make_uda_batch):
    model, optim_wrapper = build_fada(toy_segmentor_cfg, seg_lr=0.)
    disc_wrapper = optim_wrapper['discriminator']
    original = disc_wrapper.update_params
    seen = {}

    def spy(loss, *args, **kwargs):
        for p in model.segmentor.parameters():
            p.grad = None
        original(loss, *args, **kwargs)
        seen['grads'] = [p.grad for p in model.segmentor.parameters()]

    disc_wrapper.update_params = spy
    model.train_step(make_uda_batch(), optim_wrapper)
    assert all(g is None or not g.any() for g in seen['grads'])


def test_each_image_goes_through_the_segmentor_once(toy_segmentor_cfg,
                                                    make_uda_batch):
    model, optim_wrapper = build_fada(toy_segmentor_cfg)
    calls = []
    model.model.backbone.register_forward_hook(
        lambda module, inputs, output: calls.append(inputs[0].shape[0]))
    model.train_step(make_uda_batch(batch_size=2), optim_wrapper)
    assert calls == [2, 2]


def test_other_feature_map_and_predict(toy_segmentor_cfg, make_uda_batch):
    model, optim_wrapper = build_fada(
        dict(toy_segmentor_cfg, auxiliary_head=None),
        feature_index=2,
        discriminator=dict(
            type='FineGrainedDiscriminator', in_channels=32, num_classes=19))
    log_vars = model.train_step(
        make_uda_batch(size=(64, 96), target_size=(48, 64)), optim_wrapper)
    assert torch.isfinite(log_vars['loss_adv.features'])
    model.eval()
    batch = make_uda_batch(batch_size=1)['target']
    out = model.val_step(copy.deepcopy(batch))
    data = model.data_preprocessor(batch, False)
    expected = model.model.predict(data['inputs'], data['data_samples'])
    assert torch.equal(out[0].pred_sem_seg.data, expected[0].pred_sem_seg.data)


def test_bad_settings_raise(toy_segmentor_cfg, make_uda_batch):
    with pytest.raises(ValueError, match='num_classes=19'):
        build_fada(
            toy_segmentor_cfg,
            discriminator=dict(
                type='FineGrainedDiscriminator',
                in_channels=64,
                num_classes=13))
    with pytest.raises(ValueError, match='loss_resolution'):
        build_fada(toy_segmentor_cfg, loss_resolution='output')
    model, optim_wrapper = build_fada(toy_segmentor_cfg, feature_index=7)
    with pytest.raises(IndexError, match='feature_index=7'):
        model.train_step(make_uda_batch(), optim_wrapper)
    model, _ = build_fada(toy_segmentor_cfg)
    model.segmentor_checkpoint = '/nonexistent/iter_20000.pth'
    with pytest.raises(FileNotFoundError, match='Train the previous stage'):
        model.init_weights()


# -- configs -----------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def load_fada_config(name):
    return Config.fromfile(osp.join(REPO_ROOT, 'configs/fada', name + '.py'))


def test_configs_chain_their_stages():
    """Each stage reads the previous stage's final checkpoint / labels."""
    names = [osp.splitext(osp.basename(c))[0] for c in FADA_CONFIGS]
    adapt = [
        n for n in names if load_fada_config(n).model.type == 'FADA'
        and not n.endswith('-official')  # a released model, no stages
    ]
    assert {
        'fada_r101_gta2cs', 'fada_r18_toy-gta2cs', 'fada_r101_synthia2cs',
        'fada_r101_cs2crosscity-tokyo'
    } <= set(adapt)
    for name in adapt:
        cfg = load_fada_config(name)
        warmup_name = osp.basename(osp.dirname(cfg.model.segmentor_checkpoint))
        warmup = load_fada_config(warmup_name)
        assert cfg.model.segmentor_checkpoint == (
            f'work_dirs/{warmup_name}/iter_{warmup.train_cfg.max_iters}.pth')
        assert warmup.model.type == 'EncoderDecoder'
        # the discriminator matches the segmentor's classes and features,
        # the warm-up predicts the same classes
        segmentor = cfg.model.segmentor
        num_classes = segmentor.decode_head.num_classes
        assert cfg.model.discriminator.num_classes == num_classes
        assert warmup.model.decode_head.num_classes == num_classes
        assert cfg.model.discriminator.in_channels == (
            segmentor.decode_head.in_channels)
        if name + '-distill' not in names:
            continue  # an ablation of the adaptation stage
        distill = load_fada_config(name + '-distill')
        assert distill.model.decode_head.num_classes == num_classes
        dataset = distill.train_dataloader.dataset
        assert dataset.data_prefix.seg_map_path == f'pseudo_labels/{name}'
        assert dataset.seg_map_suffix == '_pseudo.png'
        target = cfg.train_dataloader.dataset.target
        assert dataset.data_root == target.data_root
        assert distill.test_dataloader.dataset == (
            cfg.test_dataloader.dataset
            | dict(pipeline=distill.test_dataloader.dataset.pipeline))


def test_r101_config_carries_the_paper_settings():
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs/fada/fada_r101_gta2cs.py'))
    assert cfg.model.adv_weight == 0.001
    assert cfg.model.domain_encoding.label_type == 'soft'
    assert cfg.model.domain_encoding.temperature == 1.8
    assert cfg.model.domain_encoding.clip_threshold == 0.9
    assert cfg.model.discriminator.in_channels == 2048
    assert cfg.train_cfg.max_iters == 40000
    assert cfg.train_dataloader.batch_size == 4  # 4 source + 4 target
    seg = cfg.optim_wrapper.segmentor.optimizer
    assert (seg.type, seg.lr, seg.momentum,
            seg.weight_decay) == ('SGD', 2.5e-4, 0.9, 1e-4)
    disc = cfg.optim_wrapper.discriminator.optimizer
    assert (disc.type, disc.lr, tuple(disc.betas)) == ('Adam', 1e-4, (0.9,
                                                                      0.99))
    warmup = Config.fromfile(
        osp.join(REPO_ROOT, 'configs/fada/fada_r101_gta2cs-warmup.py'))
    assert warmup.train_cfg.max_iters == 20000
    assert warmup.train_dataloader.batch_size == 8


def test_r101_config_runs_one_iteration(make_uda_batch):
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs/fada/fada_r101_gta2cs.py'))
    cfg.model.segmentor.backbone.init_cfg = None
    cfg.model.segmentor_checkpoint = None
    model = MODELS.build(cfg.model)
    model.init_weights()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    log_vars = model.train_step(
        make_uda_batch(batch_size=1, size=(64, 64)), optim_wrapper)
    assert all(torch.isfinite(v) for v in log_vars.values())
    assert {
        'loss_adv.features', 'loss_disc.features.source',
        'loss_disc.features.target'
    } <= set(log_vars)


def test_missing_datasets_say_how_to_prepare_them(tmp_path):
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs/fada/fada_r101_gta2cs.py'))
    dataset = cfg.train_dataloader.dataset
    dataset.source.data_root = str(tmp_path / 'gta5')
    with pytest.raises(FileNotFoundError, match='Prepare datasets'):
        DATASETS.build(dataset)
