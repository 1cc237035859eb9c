"""BDL: Eq. 1 / Eq. 3 losses, the two-step update, the paper configs."""
import copy
import glob
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from uda_test_utils import REPO_ROOT, build_uda_optim_wrapper

from mmseg_uda.models import GANLoss


def build_bdl(segmentor_cfg, seg_lr=0.01, disc_lr=1e-3, **kwargs):
    model = MODELS.build(
        dict(
            type='BDL',
            segmentor=segmentor_cfg,
            discriminator=dict(
                type='MultiLevelDiscriminator',
                discriminators=dict(
                    decode_head=dict(
                        type='FCDiscriminator',
                        in_channels=19,
                        channels=(8, 16)))),
            adv_weights=dict(decode_head=0.1),
            **kwargs))
    model.init_weights()
    return model, build_uda_optim_wrapper(model, seg_lr, disc_lr)


def with_pseudo_labels(batch, seed=0):
    """Give every target sample a label map with an ignored left quarter."""
    generator = torch.Generator().manual_seed(seed)
    for sample in batch['target']['data_samples']:
        label = torch.randint(0, 19, (1, 32, 64), generator=generator)
        label[:, :, :16] = 255
        sample.gt_sem_seg = PixelData(data=label)
    return batch


def recompute(model, batch):
    """Upsampled decode-head logits per domain, no gradients."""
    logits = {}
    with torch.no_grad():
        for domain in ('source', 'target'):
            data = model.data_preprocessor(batch[domain], True)
            logits[domain] = model.model.encode_decode(
                data['inputs'], [s.metainfo for s in data['data_samples']])
    return logits


def test_without_pseudo_labels_it_trains_eq_1(toy_segmentor_cfg,
                                              make_uda_batch):
    segmentor = dict(toy_segmentor_cfg, auxiliary_head=None)
    model, optim_wrapper = build_bdl(segmentor, seg_lr=0., disc_lr=0.)
    batch = make_uda_batch(seed=1)
    log_vars = model.train_step(copy.deepcopy(batch), optim_wrapper)
    assert set(log_vars) == {
        'source.decode.loss_ce', 'source.decode.acc_seg',
        'loss_adv.decode_head', 'loss_disc.decode_head.source',
        'loss_disc.decode_head.target', 'loss.segmentor', 'loss.discriminator',
        'acc_disc.decode_head.source', 'acc_disc.decode_head.target'
    }
    logits = recompute(model, batch)
    disc = model.discriminator.levels['decode_head']
    bce = GANLoss('vanilla')
    adv = 0.1 * bce(disc(F.softmax(logits['target'], dim=1)), 1.)
    torch.testing.assert_close(log_vars['loss_adv.decode_head'], adv)


@pytest.mark.parametrize('average_over_kept', [False, True])
def test_pseudo_labels_add_eq_9(toy_segmentor_cfg, make_uda_batch,
                                average_over_kept):
    segmentor = dict(toy_segmentor_cfg, auxiliary_head=None)
    torch.manual_seed(0)
    model, optim_wrapper = build_bdl(
        segmentor,
        seg_lr=0.,
        disc_lr=0.,
        target_loss=dict(
            type='PseudoLabelLoss',
            loss_weight=0.5,
            average_over='kept' if average_over_kept else 'all'))
    batch = with_pseudo_labels(make_uda_batch(seed=2))
    log_vars = model.train_step(copy.deepcopy(batch), optim_wrapper)
    assert {
        'target.decode.loss_ce', 'loss_adv.decode_head',
        'source.decode.loss_ce'
    } <= set(log_vars)
    target_logits = recompute(model, batch)['target']
    labels = torch.cat(
        [s.gt_sem_seg.data for s in batch['target']['data_samples']])
    total = F.cross_entropy(
        target_logits, labels, ignore_index=255, reduction='sum')
    # Eq. 9 divides by all H*W pixels; the official code by the kept ones
    pixels = (labels != 255).sum() if average_over_kept else labels.numel()
    torch.testing.assert_close(log_vars['target.decode.loss_ce'],
                               0.5 * total / pixels)


def test_labels_on_part_of_a_batch_are_an_error(toy_segmentor_cfg,
                                                make_uda_batch):
    model, optim_wrapper = build_bdl(toy_segmentor_cfg)
    batch = with_pseudo_labels(make_uda_batch())
    del batch['target']['data_samples'][1].gt_sem_seg
    with pytest.raises(ValueError, match='Only some target samples'):
        model.train_step(batch, optim_wrapper)


def test_two_step_update(toy_segmentor_cfg, make_uda_batch):
    """D frozen while the segmentor steps, updated on detached maps."""
    model, optim_wrapper = build_bdl(toy_segmentor_cfg)
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
    disc_before = [
        p.detach().clone() for p in model.discriminator.parameters()
    ]
    model.train_step(with_pseudo_labels(make_uda_batch()), optim_wrapper)
    assert not any(seen['requires_grad'])
    assert all(g is None for g in seen['grads'])
    assert any(not torch.equal(a, b)
               for a, b in zip(disc_before, model.discriminator.parameters()))
    assert all(p.requires_grad for p in model.discriminator.parameters())


def test_no_redundant_forward(toy_segmentor_cfg, make_uda_batch):
    """Each domain through the segmentor once; D sees the target map twice
    (its adversarial term, then its own update) and the source map once."""
    model, optim_wrapper = build_bdl(toy_segmentor_cfg)
    segmentor_calls, disc_calls = [], []
    model.model.backbone.register_forward_hook(
        lambda module, inputs, output: segmentor_calls.append(inputs[0].shape))
    disc = model.discriminator.levels['decode_head']
    disc.register_forward_hook(lambda module, inputs, output: disc_calls.
                               append(inputs[0].requires_grad))
    model.train_step(
        with_pseudo_labels(make_uda_batch(batch_size=2)), optim_wrapper)
    assert [s[0] for s in segmentor_calls] == [2, 2]
    # adversarial term on the (grad-carrying) target map, then D's update
    # on the detached source and target maps of the same forward
    assert disc_calls == [True, False, False]


BDL_CONFIGS = sorted(
    glob.glob(osp.join(REPO_ROOT, 'configs/bdl/bdl_r101_*.py')))
#: The paper's settings; ``-official`` / ``-deeplab-init`` configs reproduce
#: the released networks (tests/test_tools/test_model_converters.py).
BDL_MODEL_CONFIGS = [
    c for c in BDL_CONFIGS
    if not c.endswith(('pipeline.py', '-official.py', '-deeplab-init.py'))
]


def test_paper_configs_carry_the_paper_settings():
    assert len(BDL_MODEL_CONFIGS) == 4
    for config in BDL_MODEL_CONFIGS:
        cfg = Config.fromfile(config)
        assert cfg.model.type == 'BDL'
        assert dict(cfg.model.adv_weights) == dict(decode_head=0.001)
        target_loss = cfg.model.get('target_loss', {})
        assert target_loss.get('loss_weight', 1.0) == 1.0
        # Eq. 9: all pixels (the class default, unless a config says so)
        assert target_loss.get('average_over', 'all') == 'all'
        seg = cfg.optim_wrapper.segmentor.optimizer
        assert (seg.type, seg.lr, seg.momentum,
                seg.weight_decay) == ('SGD', 2.5e-4, 0.9, 5e-4)
        disc = cfg.optim_wrapper.discriminator.optimizer
        assert (disc.type, disc.lr, tuple(disc.betas)) == ('Adam', 1e-4,
                                                           (0.9, 0.99))
        assert cfg.train_dataloader.batch_size == 1
        expected = 120000 if '-ssl' in config else 80000
        assert cfg.train_cfg.max_iters == expected
        resize = [
            t for t in cfg.train_dataloader.dataset.source.pipeline
            if t.type == 'Resize'
        ][0]
        assert tuple(resize.scale) == (1024, 1024) and resize.keep_ratio
    ssl = Config.fromfile(
        osp.join(REPO_ROOT, 'configs/bdl/bdl_r101_gta2cs-ssl.py'))
    target = ssl.train_dataloader.dataset.target
    assert target.seg_map_suffix == '_pseudo.png'
    assert 'LoadAnnotations' in [t.type for t in target.pipeline]


@pytest.mark.parametrize(
    'config', [
        'configs/bdl/bdl_r101_gta2cs-ssl.py',
        'configs/translators/cyclegan_gta2cs-bdl-perceptual.py'
    ],
    ids=osp.basename)
def test_paper_configs_run_one_iteration(config, make_uda_batch, tmp_path):
    cfg = Config.fromfile(osp.join(REPO_ROOT, config))
    if cfg.model.type == 'BDL':
        cfg.model.segmentor.backbone.init_cfg = None
        batch = with_pseudo_labels(make_uda_batch(batch_size=1))
    else:  # the translator's frozen M: a random R101 saved here
        cfg.model.segmentor.backbone.init_cfg = None
        segmentor = MODELS.build(cfg.model.segmentor)
        checkpoint = str(tmp_path / 'm.pth')
        torch.save(dict(state_dict=segmentor.state_dict()), checkpoint)
        cfg.model.segmentor_checkpoint = checkpoint
        cfg.model.generator.num_blocks = 1
        batch = make_uda_batch(batch_size=1, size=(32, 32))
    model = MODELS.build(cfg.model)
    model.init_weights()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    log_vars = model.train_step(batch, optim_wrapper)
    assert all(torch.isfinite(v) for v in log_vars.values())
    if cfg.model.type == 'BDL':
        assert 'target.decode.loss_ce' in log_vars
    else:
        assert {'loss_per.source', 'loss_per_recon.target'} <= set(log_vars)
