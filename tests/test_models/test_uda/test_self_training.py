"""SelfTraining: source CE plus weighted target pseudo-label CE."""
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
from uda_test_utils import REPO_ROOT


def build_self_training(segmentor_cfg, lr=0.01, **kwargs):
    model = MODELS.build(
        dict(type='SelfTraining', segmentor=segmentor_cfg, **kwargs))
    model.init_weights()
    optim_wrapper = build_optim_wrapper(
        model,
        dict(
            constructor='MultiOptimWrapperConstructor',
            segmentor=dict(
                type='OptimWrapper',
                optimizer=dict(type='SGD', lr=lr, momentum=0.9))))
    return model, optim_wrapper


def labelled_batch(make_uda_batch, seed=0):
    """A UDA batch whose target carries pseudo labels (some ignored)."""
    batch = make_uda_batch(seed=seed)
    generator = torch.Generator().manual_seed(seed + 1)
    for sample in batch['target']['data_samples']:
        label = torch.randint(0, 19, (1, 32, 64), generator=generator)
        label[:, :, :16] = 255
        sample.gt_sem_seg = PixelData(data=label)
    return batch


def test_train_step_weights_the_target_loss(toy_segmentor_cfg, make_uda_batch):
    batch = labelled_batch(make_uda_batch)
    logs = {}
    for weight in (1.0, 0.25):
        torch.manual_seed(0)
        model, optim_wrapper = build_self_training(
            toy_segmentor_cfg,
            lr=0.,
            target_loss=dict(type='PseudoLabelLoss', loss_weight=weight))
        logs[weight] = model.train_step(copy.deepcopy(batch), optim_wrapper)
    assert {
        'source.decode.loss_ce', 'source.aux.loss_ce', 'target.decode.loss_ce',
        'target.aux.loss_ce', 'loss.segmentor'
    } <= set(logs[1.0])
    torch.testing.assert_close(logs[0.25]['source.decode.loss_ce'],
                               logs[1.0]['source.decode.loss_ce'])
    torch.testing.assert_close(logs[0.25]['target.decode.loss_ce'],
                               0.25 * logs[1.0]['target.decode.loss_ce'])
    # accuracies are logged, not weighted, and not part of the total
    torch.testing.assert_close(logs[0.25]['target.decode.acc_seg'],
                               logs[1.0]['target.decode.acc_seg'])
    terms = [v for k, v in logs[1.0].items() if k.endswith('loss_ce')]
    torch.testing.assert_close(logs[1.0]['loss.segmentor'], sum(terms))


@pytest.mark.parametrize('average_over_kept', [True, False])
def test_target_cross_entropy_ignores_255(toy_segmentor_cfg, make_uda_batch,
                                          average_over_kept):
    batch = labelled_batch(make_uda_batch)
    torch.manual_seed(0)
    model, optim_wrapper = build_self_training(
        toy_segmentor_cfg,
        lr=0.,
        target_loss=dict(
            type='PseudoLabelLoss',
            average_over='kept' if average_over_kept else 'all'))
    log_vars = model.train_step(copy.deepcopy(batch), optim_wrapper)
    target = model.data_preprocessor(batch['target'], True)
    with torch.no_grad():
        logits = model.segmentor(target['inputs'])['logits']['decode_head']
        logits = F.interpolate(
            logits, size=(32, 64), mode='bilinear', align_corners=False)
    labels = torch.cat([s.gt_sem_seg.data for s in target['data_samples']])
    total = F.cross_entropy(logits, labels, ignore_index=255, reduction='sum')
    # a quarter of every label is 255: BDL's mean over the kept pixels, or
    # mmseg's default mean over all pixels
    num = (labels != 255).sum() if average_over_kept else labels.numel()
    torch.testing.assert_close(
        log_vars['target.decode.loss_ce'], total / num, rtol=1e-4, atol=1e-5)


def test_soft_labels_use_soft_cross_entropy(toy_segmentor_cfg, make_uda_batch):
    """One-hot soft labels give the hard cross-entropy."""
    hard = make_uda_batch(seed=2)
    generator = torch.Generator().manual_seed(5)
    for sample in hard['target']['data_samples']:
        sample.gt_sem_seg = PixelData(
            data=torch.randint(0, 19, (1, 32, 64), generator=generator))
    soft = copy.deepcopy(hard)
    for sample in soft['target']['data_samples']:
        one_hot = F.one_hot(sample.gt_sem_seg.data[0], 19).permute(2, 0, 1)
        sample.gt_soft_seg = PixelData(data=one_hot.float())
        del sample.gt_sem_seg
    logs = []
    for batch in (hard, soft):
        torch.manual_seed(0)
        model, optim_wrapper = build_self_training(toy_segmentor_cfg, lr=0.)
        logs.append(model.train_step(batch, optim_wrapper))
    torch.testing.assert_close(logs[1]['target.decode.loss_soft_ce'],
                               logs[0]['target.decode.loss_ce'])


def test_target_only_and_missing_labels(toy_segmentor_cfg, make_uda_batch):
    model, optim_wrapper = build_self_training(
        toy_segmentor_cfg, source_loss_weight=0.)
    before = [p.detach().clone() for p in model.parameters()]
    log_vars = model.train_step(labelled_batch(make_uda_batch), optim_wrapper)
    assert not any(k.startswith('source.') for k in log_vars)
    assert any(not torch.equal(a, b)
               for a, b in zip(before, model.parameters()))
    with pytest.raises(KeyError, match='seg_map_suffix'):
        model.train_step(make_uda_batch(), optim_wrapper)


@pytest.mark.parametrize(
    'config',
    sorted(
        c
        for c in glob.glob(osp.join(REPO_ROOT, 'configs/self_training/*.py'))
        if not c.endswith('_pipeline.py')))  # stage lists, not models
def test_configs_build(config):
    cfg = Config.fromfile(config)
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'SelfTraining'
    target = cfg.train_dataloader.dataset.target
    assert target.seg_map_suffix == '_pseudo.png'
    assert target.data_prefix.seg_map_path
    assert any(t['type'] == 'LoadAnnotations' for t in target.pipeline)
