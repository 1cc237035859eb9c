"""PseudoLabelHook: round schedule, publishing, resume, and a real run."""
import json
import os
import os.path as osp
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmengine.structures import PixelData
from mmseg.registry import DATASETS
from mmseg.structures import SegDataSample
from uda_test_utils import toy_segmentor_cfg

from mmseg_uda.engine.hooks import PseudoLabelHook
from mmseg_uda.engine.hooks.pseudo_label_hook import PUBLISHED_FILE
from mmseg_uda.engine.pseudo_labels import PseudoLabelGenerator

CLASSES = ('road', 'car', 'sky')
NUM_IMAGES = 3


class VersionedSegmentor(nn.Module):
    """Predicts class ``(first pixel + version) % 3`` everywhere."""

    def __init__(self, fail_at=None):
        super().__init__()
        self.version = 0
        self.calls = 0
        self.fail_at = fail_at

    def test_step(self, batch):
        self.calls += 1
        if self.fail_at is not None and self.calls == self.fail_at:
            raise RuntimeError('simulated crash')
        samples = []
        for img in batch['inputs']:
            logits = torch.zeros(3, *img.shape[-2:])
            logits[(int(img[0, 0, 0]) + self.version) % 3] = 5.
            sample = SegDataSample()
            sample.seg_logits = PixelData(data=logits)
            samples.append(sample)
        return samples


class RecordingIterator:
    """Stands for the loop's dataloader iterator; counts re-creations."""
    created = 0

    def __init__(self, dataloader):
        RecordingIterator.created += 1


def _target_cfg(root):
    return dict(
        type='BaseSegDataset',
        data_root=str(root),
        data_prefix=dict(img_path='img', seg_map_path='labels'),
        img_suffix='_leftImg8bit.png',
        seg_map_suffix='_pseudo.png',
        metainfo=dict(classes=CLASSES))


def _runner(tmp_path, model, iteration=0, max_iters=5):
    root = tmp_path / 'data'
    for i in range(NUM_IMAGES):
        path = root / 'img' / f'{i}_leftImg8bit.png'
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(path), np.full((2, 3, 3), i, np.uint8))
    init_default_scope('mmseg')
    target_cfg = _target_cfg(root)
    target = DATASETS.build(dict(target_cfg, pipeline=[]))
    loop = SimpleNamespace(
        dataloader=None, dataloader_iterator=RecordingIterator(None))
    scalars = []
    return SimpleNamespace(
        iter=iteration,
        max_iters=max_iters,
        work_dir=str(tmp_path / 'work'),
        model=model,
        train_dataloader=SimpleNamespace(
            dataset=SimpleNamespace(target_dataset=target)),
        cfg=Config(
            dict(
                train_dataloader=dict(
                    num_workers=2, dataset=dict(target=target_cfg)),
                test_pipeline=[
                    dict(type='LoadImageFromFile'),
                    dict(type='LoadAnnotations'),
                    dict(type='PackSegInputs')
                ])),
        visualizer=SimpleNamespace(
            add_scalars=lambda values, step: scalars.append((step, values))),
        train_loop=loop,
        seed=0,
        build_dataloader=lambda cfg, seed, diff_rank_seed: cfg,
        scalars=scalars)


def _labels(folder):
    """Relative path -> label of every pseudo label under ``folder``."""
    labels = {}
    for dirpath, _, names in os.walk(folder):
        for name in names:
            if name.endswith('_pseudo.png'):
                path = osp.join(dirpath, name)
                labels[osp.relpath(path, folder)] = cv2.imread(
                    path, cv2.IMREAD_UNCHANGED)
    return labels


def _same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def _train(hook, runner, start, stop):
    """Call the hook as the loop does; the model changes every iteration."""
    for iteration in range(start, stop):
        runner.iter = iteration
        runner.model.version = iteration + 1
        hook.after_train_iter(runner, iteration)


def _hook(**kwargs):
    kwargs.setdefault('policy', dict(type='ArgmaxLabels'))
    return PseudoLabelHook(num_workers=0, **kwargs)


def test_round_schedule():
    hook = _hook(interval=3)
    assert [i for i in range(1, 11) if hook.is_round(i, 10)] == [3, 6, 9]
    assert [hook.latest_round(i, 10)
            for i in (0, 2, 3, 8, 10)] == [0, 0, 3, 6, 9]
    once = _hook(interval=0)
    assert not any(once.is_round(i, 10) for i in range(1, 11))
    assert once.latest_round(7, 10) == 0
    with pytest.raises(ValueError, match='interval'):
        _hook(interval=-1)


def test_rounds_are_generated_and_published(tmp_path):
    runner = _runner(tmp_path, VersionedSegmentor())
    hook = _hook(interval=2)
    RecordingIterator.created = 0
    hook.before_train(runner)
    assert runner.model.calls == NUM_IMAGES
    # the loop's dataloader is rebuilt once labels exist
    assert RecordingIterator.created == 1
    assert runner.train_loop.dataloader.num_workers == 2
    _train(hook, runner, 0, 5)  # rounds after iterations 2 and 4, not 5
    assert runner.model.calls == 3 * NUM_IMAGES
    work = tmp_path / 'work' / 'pseudo_labels'
    assert sorted(os.listdir(work)) == ['iter_0', 'iter_2', 'iter_4']
    label_dir = tmp_path / 'data' / 'labels'
    assert _same(_labels(label_dir), _labels(work / 'iter_4'))
    # round 4 was made by the model after 4 iterations (version 4)
    assert (_labels(label_dir)['0_pseudo.png'] == 4 % 3).all()
    assert not _same(_labels(work / 'iter_2'), _labels(work / 'iter_4'))
    with open(label_dir / PUBLISHED_FILE) as f:
        assert json.load(f)['iter'] == 4
    assert [step for step, _ in runner.scalars] == [0, 2, 4]


def test_resume_restores_the_round_of_the_checkpoint(tmp_path):
    runner = _runner(tmp_path, VersionedSegmentor())
    hook = _hook(interval=2)
    hook.before_train(runner)
    _train(hook, runner, 0, 5)
    work = tmp_path / 'work' / 'pseudo_labels'
    round_2 = _labels(work / 'iter_2')

    # resume from the checkpoint of iteration 3: round 4 never happened
    resumed = _runner(tmp_path, VersionedSegmentor(), iteration=3)
    hook = _hook(interval=2)
    hook.before_train(resumed)
    assert resumed.model.calls == 0
    assert sorted(os.listdir(work)) == ['iter_0', 'iter_2']
    assert _same(_labels(tmp_path / 'data' / 'labels'), round_2)
    _train(hook, resumed, 3, 5)
    assert resumed.model.calls == NUM_IMAGES  # round 4 again

    # resuming where the labels are in place touches nothing
    again = _runner(tmp_path, VersionedSegmentor(), iteration=4)
    RecordingIterator.created = 0
    _hook(interval=2).before_train(again)
    assert again.model.calls == 0 and RecordingIterator.created == 0


def test_resume_with_another_policy_raises(tmp_path):
    runner = _runner(tmp_path, VersionedSegmentor())
    _hook(interval=2).before_train(runner)
    resumed = _runner(tmp_path, VersionedSegmentor(), iteration=1)
    with pytest.raises(ValueError, match='resume with the policy'):
        _hook(
            interval=2,
            policy=dict(type='MaxProbThreshold')).before_train(resumed)


def test_interrupted_round_resumes(tmp_path):
    runner = _runner(tmp_path, VersionedSegmentor(fail_at=3))
    with pytest.raises(RuntimeError, match='simulated crash'):
        _hook(interval=2).before_train(runner)
    resumed = _runner(tmp_path, VersionedSegmentor())
    _hook(interval=2).before_train(resumed)
    assert resumed.model.calls == 1  # two of the three labels were there
    assert len(_labels(tmp_path / 'data' / 'labels')) == NUM_IMAGES


def test_initial_labels_are_imported_as_round_0(tmp_path):
    runner = _runner(tmp_path, VersionedSegmentor())
    initial = tmp_path / 'tool_output'
    with pytest.raises(FileNotFoundError, match='gen_pseudo_labels'):
        _hook(
            before_train=False, initial_dir=str(initial)).before_train(runner)
    dataset = DATASETS.build(
        dict(
            _target_cfg(tmp_path / 'data'),
            data_prefix=dict(img_path='img'),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='PackSegInputs')
            ]))
    PseudoLabelGenerator(
        dict(type='ArgmaxLabels'), num_workers=0,
        show_progress=False).generate(VersionedSegmentor(), dataset,
                                      str(initial))
    hook = _hook(interval=2, before_train=False, initial_dir=str(initial))
    hook.before_train(runner)
    assert runner.model.calls == 0
    tool_labels = _labels(initial)
    assert _same(_labels(tmp_path / 'data' / 'labels'), tool_labels)
    work = tmp_path / 'work' / 'pseudo_labels'
    assert _same(_labels(work / 'iter_0'), tool_labels)
    # later rounds leave the tool's folder alone
    _train(hook, runner, 0, 2)
    assert _same(_labels(initial), tool_labels)
    assert not _same(_labels(tmp_path / 'data' / 'labels'), tool_labels)


def test_suffix_mismatch_raises(tmp_path):
    runner = _runner(tmp_path, VersionedSegmentor())
    with pytest.raises(ValueError, match='_pseudo_soft.npy'):
        _hook(policy=dict(type='SoftLabels')).before_train(runner)


def test_hook_in_a_self_training_run(toy_workspace, tmp_path, monkeypatch):
    """Rounds regenerate while dataloader workers keep reading labels."""
    monkeypatch.chdir(toy_workspace)
    label_dir = str(tmp_path / 'labels')
    test_pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
        dict(type='PackSegInputs')
    ]
    cfg = Config(
        dict(
            default_scope='mmseg',
            work_dir=str(tmp_path / 'work'),
            model=dict(type='SelfTraining', segmentor=toy_segmentor_cfg()),
            train_dataloader=dict(
                batch_size=2,
                num_workers=1,
                persistent_workers=True,
                sampler=dict(type='InfiniteSampler', shuffle=True),
                dataset=dict(
                    type='UDADataset',
                    source=dict(
                        type='GTA5Dataset',
                        data_root='data/toy/gta5',
                        ann_file='train.txt',
                        pipeline=test_pipeline),
                    target=dict(
                        type='CityscapesDataset',
                        data_root='data/toy/cityscapes',
                        data_prefix=dict(
                            img_path='leftImg8bit/train',
                            seg_map_path=label_dir),
                        seg_map_suffix='_pseudo.png',
                        pipeline=[
                            dict(type='LoadImageFromFile'),
                            dict(type='LoadAnnotations'),
                            dict(type='PackSegInputs')
                        ]))),
            test_pipeline=test_pipeline,
            train_cfg=dict(
                type='IterBasedTrainLoop', max_iters=3, val_interval=100),
            optim_wrapper=dict(
                constructor='MultiOptimWrapperConstructor',
                segmentor=dict(
                    type='OptimWrapper', optimizer=dict(type='SGD', lr=0.01))),
            default_hooks=dict(
                checkpoint=dict(
                    type='CheckpointHook', interval=100, by_epoch=False),
                logger=dict(type='LoggerHook', interval=1)),
            custom_hooks=[
                dict(
                    type='PseudoLabelHook',
                    policy=dict(type='MaxProbThreshold', threshold=0.),
                    interval=2,
                    num_workers=0)
            ]))
    runner = Runner.from_cfg(cfg)
    runner.train()
    rounds = tmp_path / 'work' / 'pseudo_labels'
    assert sorted(os.listdir(rounds)) == ['iter_0', 'iter_2']
    labels = _labels(label_dir)
    assert len(labels) == 8 and _same(labels, _labels(rounds / 'iter_2'))
    # threshold 0 keeps every pixel: a full argmax map of the toy classes
    assert all(label.max() < 19 for label in labels.values())
