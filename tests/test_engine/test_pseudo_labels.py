"""Pseudo-label policies, the streaming generator and soft-label loading."""
import os
import os.path as osp
import weakref

import cv2
import numpy as np
import pytest
import torch
import torch.nn as nn
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.datasets import BaseSegDataset
from mmseg.registry import TRANSFORMS
from mmseg.structures import SegDataSample

from mmseg_uda.engine.pseudo_labels import (ArgmaxLabels, ClassMedianThreshold,
                                            MaxProbThreshold,
                                            PseudoLabelGenerator, SoftLabels)
from mmseg_uda.engine.pseudo_labels import generator as generator_module
from mmseg_uda.engine.pseudo_labels import inference_pipeline, read_info

CLASSES = ('road', 'car', 'sky')


def _probs(rows):
    """(C, H, W) probabilities from nested [H][W] lists of class vectors."""
    return torch.tensor(rows, dtype=torch.float32).permute(2, 0, 1)


# -- policies ---------------------------------------------------------------
def test_max_prob_threshold_ignores_unconfident_pixels():
    probs = _probs([[[0.95, 0.05, 0.0], [0.5, 0.3, 0.2]],
                    [[0.05, 0.9, 0.05], [0.1, 0.1, 0.8]]])
    label = MaxProbThreshold(threshold=0.9)(probs)
    # 0.9 itself is kept (pixels *below* the threshold are ignored)
    np.testing.assert_array_equal(label, [[0, 255], [1, 255]])
    assert label.dtype == np.uint8
    np.testing.assert_array_equal(
        MaxProbThreshold(threshold=0.5)(probs), [[0, 0], [1, 2]])


def test_argmax_labels_keep_every_pixel():
    probs = _probs([[[0.4, 0.35, 0.25], [0.2, 0.3, 0.5]]])
    np.testing.assert_array_equal(ArgmaxLabels()(probs), [[0, 2]])


def test_policies_reject_bad_input():
    with pytest.raises(ValueError, match='threshold'):
        MaxProbThreshold(threshold=1.5)
    with pytest.raises(ValueError, match=r'\(C, H, W\)'):
        ArgmaxLabels()(torch.rand(2, 3))
    with pytest.raises(ValueError, match='uint8'):
        ArgmaxLabels()(torch.rand(300, 2, 2))


def _two_class_probs(confidences, classes):
    """One row of pixels: class ``c`` with probability ``conf``."""
    rows = []
    for conf, cls in zip(confidences, classes):
        vector = [0., 0., 0.]
        vector[cls] = conf
        vector[1 - cls] = 1 - conf
        rows.append(vector)
    return _probs([rows])


def test_class_median_thresholds_match_hand_computation():
    # image 1: road at 0.52, 0.66, 0.97; car at 0.6, 0.91
    # image 2: road at 0.58, 0.71; car at 0.92, 0.95, 0.99
    images = [
        _two_class_probs([0.52, 0.66, 0.97, 0.6, 0.91], [0, 0, 0, 1, 1]),
        _two_class_probs([0.58, 0.71, 0.92, 0.95, 0.99], [0, 0, 1, 1, 1]),
    ]
    policy = ClassMedianThreshold(max_threshold=0.9, num_bins=1000)
    policy.reset_statistics(len(CLASSES))
    for probs in images:
        policy.update_statistics(probs)
    # road sorted: .52 .58 .66 .71 .97 -> median .66
    # car sorted: .6 .91 .92 .95 .99 -> median .92, capped at 0.9
    # sky is never predicted -> the cap
    np.testing.assert_allclose(policy.thresholds, [0.66, 0.9, 0.9])
    np.testing.assert_array_equal(policy(images[0]), [[255, 0, 0, 255, 1]])
    np.testing.assert_array_equal(policy(images[1]), [[255, 0, 1, 1, 1]])


def test_class_median_histogram_precision():
    """Thresholds are within one bin below the exact (BDL) medians."""
    generator = torch.Generator().manual_seed(0)
    images = [(3 * torch.randn(4, 16, 16, generator=generator)).softmax(0)
              for _ in range(3)]
    num_bins = 100
    policy = ClassMedianThreshold(max_threshold=1.0, num_bins=num_bins)
    policy.reset_statistics(4)
    for probs in images:
        policy.update_statistics(probs)
    conf, pred = torch.stack(images).max(dim=1)
    for cls in range(4):
        values = conf[pred == cls].sort().values
        exact = values[len(values) // 2].item()
        threshold = policy.thresholds[cls]
        assert threshold <= exact < threshold + 1 / num_bins + 1e-6
    # the labels differ from exact thresholds only inside the median bin
    for probs in images:
        label = torch.from_numpy(policy(probs)).long()
        img_conf, img_pred = probs.max(dim=0)
        for cls in range(4):
            values = conf[pred == cls].sort().values
            exact = values[len(values) // 2].item()
            mask = img_pred == cls
            kept = mask & (label == cls)
            assert torch.all(kept[mask & (img_conf >= exact)])
            extra = kept & (img_conf < exact)
            assert torch.all(img_conf[extra] >= policy.thresholds[cls] - 1e-6)


def test_soft_labels_round_trip_through_a_training_pipeline(tmp_path):
    probs = _probs([[[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]]])
    policy = SoftLabels()
    label_path = str(tmp_path / 'a_pseudo_soft.npy')
    with open(label_path, 'wb') as f:
        f.write(policy.encode(policy(probs)))
    img_path = str(tmp_path / 'a.png')
    cv2.imwrite(img_path, np.zeros((1, 3, 3), np.uint8))
    pipeline = [
        TRANSFORMS.build(t) for t in [
            dict(type='LoadImageFromFile'),
            dict(type='LoadSoftPseudoLabel'),
            dict(type='RandomFlip', prob=1.0, direction='horizontal'),
            dict(type='PackSoftSegInputs'),
        ]
    ]
    results = dict(img_path=img_path, seg_map_path=label_path, seg_fields=[])
    for transform in pipeline:
        results = transform(results)
    sample = results['data_samples']
    expected = probs.half().float().flip(-1)
    torch.testing.assert_close(sample.gt_soft_seg.data, expected)
    np.testing.assert_array_equal(sample.gt_sem_seg.data.numpy(),
                                  [[[1, 2, 0]]])


def test_inference_pipeline_drops_annotation_loaders():
    pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='Resize', scale=(64, 32)),
        dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
        dict(type='LoadAnnotations'),
        dict(type='PackSegInputs')
    ]
    assert [t['type'] for t in inference_pipeline(pipeline)
            ] == ['LoadImageFromFile', 'Resize', 'PackSegInputs']


# -- the generator ----------------------------------------------------------
class FakeSegmentor(nn.Module):
    """Predicts fixed logits per image and checks what outlives a call.

    The logits of an image are derived from its first pixel, so labels are
    predictable. Tensors registered in ``refs`` (its logits, and what a test
    adds) are weakly referenced; ``max_alive`` counts those of earlier
    images that are still alive when the next image is predicted.
    """

    def __init__(self, fail_at=None):
        super().__init__()
        self.calls = 0
        self.fail_at = fail_at
        self.refs = []
        self.max_alive = 0

    @staticmethod
    def logits_for(img):
        value = int(img[0, 0, 0])
        # class (value % 3) wins with a confidence that grows with value
        logits = torch.zeros(3, *img.shape[-2:])
        logits[value % 3] = value / 10
        return logits

    def test_step(self, batch):
        alive = sum(ref() is not None for ref in self.refs)
        self.max_alive = max(self.max_alive, alive)
        self.calls += 1
        if self.fail_at is not None and self.calls == self.fail_at:
            raise RuntimeError('simulated crash')
        samples = []
        for img in batch['inputs']:
            logits = self.logits_for(img)
            self.refs.append(weakref.ref(logits))
            sample = SegDataSample()
            sample.seg_logits = PixelData(data=logits)
            samples.append(sample)
        return samples


def _make_dataset(root, num_images, height=4, width=6):
    """Images ``img/city{i % 2}/{i}_leftImg8bit.png``, of value 4 * i + 10."""
    for i in range(num_images):
        path = osp.join(root, 'img', f'city{i % 2}', f'{i}_leftImg8bit.png')
        os.makedirs(osp.dirname(path), exist_ok=True)
        img = np.full((height, width, 3), 4 * i + 10, np.uint8)
        cv2.imwrite(path, img)
    init_default_scope('mmseg')
    return BaseSegDataset(
        data_root=str(root),
        data_prefix=dict(img_path='img'),
        img_suffix='_leftImg8bit.png',
        metainfo=dict(classes=CLASSES),
        pipeline=[dict(type='LoadImageFromFile'),
                  dict(type='PackSegInputs')])


def _generate(policy, dataset, out_dir, model=None, **kwargs):
    model = model or FakeSegmentor()
    generator = PseudoLabelGenerator(
        policy, num_workers=0, show_progress=False, **kwargs)
    return generator.generate(model, dataset, str(out_dir)), model


def _read(path):
    return cv2.imread(str(path), cv2.IMREAD_UNCHANGED)


def test_generator_mirrors_image_paths_and_labels_each_image(tmp_path):
    dataset = _make_dataset(tmp_path / 'data', 4)
    out_dir = tmp_path / 'labels'
    summary, model = _generate(
        dict(type='MaxProbThreshold', threshold=0.6), dataset, out_dir)
    assert model.calls == 4
    for i in range(4):
        label = _read(out_dir / f'city{i % 2}' / f'{i}_pseudo.png')
        probs = FakeSegmentor.logits_for(torch.full((3, 4, 6),
                                                    4 * i + 10)).softmax(0)
        expected = MaxProbThreshold(0.6)(probs)
        np.testing.assert_array_equal(label, expected)
    # values 10, 14, 18, 22: the winning class has probability
    # e^(v/10) / (e^(v/10) + 2) = 0.58, 0.67, 0.75, 0.82
    assert summary['num_labelled'] == 4
    assert summary['kept_fraction'] == pytest.approx(0.75)
    assert summary['classes']['car']['kept'] == pytest.approx(0.5)
    assert read_info(str(out_dir))['status'] == 'complete'


def test_stock_dataset_reads_the_labels(tmp_path):
    """The documented config snippet: seg_map_path + '_pseudo.png'."""
    dataset = _make_dataset(tmp_path / 'data', 2)
    out_dir = tmp_path / 'data' / 'pseudo'
    _generate(dict(type='ArgmaxLabels'), dataset, out_dir)
    labelled = BaseSegDataset(
        data_root=str(tmp_path / 'data'),
        data_prefix=dict(img_path='img', seg_map_path='pseudo'),
        img_suffix='_leftImg8bit.png',
        seg_map_suffix='_pseudo.png',
        metainfo=dict(classes=CLASSES),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations'),
            dict(type='PackSegInputs')
        ])
    for i in range(2):
        sample = labelled[i]['data_samples']
        value = 4 * i + 10
        assert (sample.gt_sem_seg.data == value % 3).all()


def test_generator_memory_does_not_grow_with_the_dataset(
        tmp_path, monkeypatch):
    probs_from_seg_logits = generator_module.probs_from_seg_logits
    states = []
    for num_images in (2, 7):
        model = FakeSegmentor()

        def tracked(seg_logits):
            probs = probs_from_seg_logits(seg_logits)
            model.refs.append(weakref.ref(probs))
            return probs

        monkeypatch.setattr(generator_module, 'probs_from_seg_logits', tracked)
        dataset = _make_dataset(tmp_path / f'data{num_images}', num_images)
        policy = ClassMedianThreshold(num_bins=50)
        _generate(policy, dataset, tmp_path / f'out{num_images}', model=model)
        # statistics pass + labelling pass, one image per call
        assert model.calls == 2 * num_images
        # no logits or probabilities of an earlier image are alive when
        # the next one is predicted
        assert model.max_alive == 0
        states.append({
            k: v.shape
            for k, v in policy.statistics_state().items()
        })
    assert states[0] == states[1] == {'histogram': (3, 50)}


def test_generator_resumes_and_skips_existing_labels(tmp_path):
    dataset = _make_dataset(tmp_path / 'data', 4)
    out_dir = tmp_path / 'labels'
    _generate(dict(type='ArgmaxLabels'), dataset, out_dir)
    kept = out_dir / 'city0' / '0_pseudo.png'
    cv2.imwrite(str(kept), np.full((4, 6), 7, np.uint8))  # marker
    os.remove(out_dir / 'city1' / '3_pseudo.png')
    summary, model = _generate(dict(type='ArgmaxLabels'), dataset, out_dir)
    assert model.calls == 1
    assert summary['num_skipped'] == 3 and summary['num_labelled'] == 1
    assert (_read(kept) == 7).all()
    assert (out_dir / 'city1' / '3_pseudo.png').is_file()


def test_interrupted_write_leaves_no_partial_file(tmp_path, monkeypatch):
    dataset = _make_dataset(tmp_path / 'data', 3)
    out_dir = tmp_path / 'labels'
    real_replace = os.replace

    def failing_replace(src, dst):
        if dst.endswith('1_pseudo.png'):
            raise KeyboardInterrupt  # killed between write and rename
        real_replace(src, dst)

    monkeypatch.setattr(generator_module.os, 'replace', failing_replace)
    with pytest.raises(KeyboardInterrupt):
        _generate(dict(type='ArgmaxLabels'), dataset, out_dir)
    monkeypatch.setattr(generator_module.os, 'replace', real_replace)
    files = sorted(
        osp.relpath(osp.join(d, f), out_dir)
        for d, _, names in os.walk(out_dir) for f in names)
    # images go in path order (city0/0, city0/2, city1/1): the first two
    # are complete, image 1 left neither a label nor a temporary file
    assert files == [
        osp.join('city0', '0_pseudo.png'),
        osp.join('city0', '2_pseudo.png'), 'pseudo_labels.json'
    ]
    assert read_info(str(out_dir))['status'] == 'running'
    summary, model = _generate(dict(type='ArgmaxLabels'), dataset, out_dir)
    assert model.calls == 1 and summary['num_skipped'] == 2


def test_statistics_pass_resumes_after_a_crash(tmp_path):
    dataset = _make_dataset(tmp_path / 'data', 5)
    reference, _ = _generate(
        dict(type='ClassMedianThreshold'), dataset, tmp_path / 'ref')
    out_dir = tmp_path / 'labels'
    with pytest.raises(RuntimeError, match='simulated crash'):
        _generate(
            dict(type='ClassMedianThreshold'),
            dataset,
            out_dir,
            model=FakeSegmentor(fail_at=4),
            statistics_interval=1)
    assert (out_dir / '.statistics' / 'rank0-of-1.npz').is_file()
    summary, model = _generate(
        dict(type='ClassMedianThreshold'), dataset, out_dir)
    # 2 statistics images left (3 were saved) + 5 labels
    assert model.calls == 2 + 5
    assert summary == reference
    for i in range(5):
        name = osp.join(f'city{i % 2}', f'{i}_pseudo.png')
        np.testing.assert_array_equal(
            _read(out_dir / name), _read(tmp_path / 'ref' / name))
    # a finished statistics pass is not redone
    _, model = _generate(dict(type='ClassMedianThreshold'), dataset, out_dir)
    assert model.calls == 0


def test_other_policy_in_the_same_folder_raises(tmp_path):
    dataset = _make_dataset(tmp_path / 'data', 1)
    _generate(dict(type='ArgmaxLabels'), dataset, tmp_path / 'labels')
    with pytest.raises(ValueError, match='another output folder'):
        _generate(dict(type='MaxProbThreshold'), dataset, tmp_path / 'labels')


def test_ranks_label_disjoint_shards(tmp_path, monkeypatch):
    dataset = _make_dataset(tmp_path / 'data', 5)
    out_dir = tmp_path / 'labels'
    calls = []
    for rank in (0, 1):
        monkeypatch.setattr(
            generator_module, 'get_dist_info', lambda rank=rank: (rank, 2))
        _, model = _generate(dict(type='ArgmaxLabels'), dataset, out_dir)
        calls.append(model.calls)
    assert calls == [3, 2]
    assert len(list(out_dir.rglob('*_pseudo.png'))) == 5


def test_soft_label_files(tmp_path):
    dataset = _make_dataset(tmp_path / 'data', 2)
    out_dir = tmp_path / 'labels'
    summary, _ = _generate(dict(type='SoftLabels'), dataset, out_dir)
    probs = np.load(out_dir / 'city1' / '1_pseudo_soft.npy')
    assert probs.dtype == np.float16 and probs.shape == (3, 4, 6)
    expected = FakeSegmentor.logits_for(torch.full((3, 4, 6), 14)).softmax(0)
    np.testing.assert_allclose(probs, expected.numpy(), atol=1e-3)
    assert summary['kept_fraction'] == 1.0
