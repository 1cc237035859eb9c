import math

import numpy as np
import pytest
import torch
from mmseg.datasets import CityscapesDataset

from mmseg_uda.datasets.label_ids import CROSSCITY_CLASSES
from mmseg_uda.evaluation.metrics import UDAIoUMetric

CS_CLASSES = CityscapesDataset.METAINFO['classes']


def _sample(gt, pred, num_logits=None):
    """A data sample dict as the evaluator hands it to ``process``."""
    sample = dict(
        img_path='img.png',
        gt_sem_seg=dict(data=torch.tensor(gt)[None]),
        pred_sem_seg=dict(data=torch.tensor(pred)[None]))
    if num_logits is not None:
        h, w = np.shape(pred)
        sample['seg_logits'] = dict(data=torch.zeros(num_logits, h, w))
    return sample


def _evaluate(metric, classes, samples):
    metric.dataset_meta = dict(classes=classes)
    for sample in samples:
        metric.process(dict(), [sample])
    return metric.evaluate(len(samples))


# Four classes; the last one occurs neither in the ground truth nor in the
# prediction. The lower-right 2x2 block is ignored (255).
# yapf: disable
GT_4X4 = [[0, 0, 1, 1],
          [0, 0, 1, 1],
          [2, 2, 255, 255],
          [2, 2, 255, 255]]
PRED_4X4 = [[0, 1, 1, 1],
            [0, 0, 1, 2],
            [2, 2, 0, 0],
            [2, 2, 1, 1]]
# yapf: enable
CLASSES_4 = ('a', 'b', 'c', 'traffic light')
# Worked out by hand over the 12 labelled pixels:
# class 0: inter 3, union 4 (gt 4, pred 3) -> IoU 3/4, Acc 3/4
# class 1: inter 3, union 5 (gt 4, pred 4) -> IoU 3/5, Acc 3/4
# class 2: inter 4, union 5 (gt 4, pred 5) -> IoU 4/5, Acc 4/4
# class 3: union 0 -> NaN, left out of the means
IOU_4 = (3 / 4, 3 / 5, 4 / 5)


def test_hand_computed_ious_with_ignore_and_absent_class():
    metric = UDAIoUMetric(class_subsets=dict(mIoU_ab=[0, 1], mIoU_bd=[1, 3]))
    res = _evaluate(metric, CLASSES_4, [_sample(GT_4X4, PRED_4X4)])

    assert res['aAcc'] == pytest.approx(100 * 10 / 12, abs=0.01)
    assert res['mIoU'] == pytest.approx(100 * sum(IOU_4) / 3, abs=0.01)
    assert res['mAcc'] == pytest.approx(
        100 * (3 / 4 + 3 / 4 + 1) / 3, abs=0.01)
    assert res['IoU.a'] == pytest.approx(75.0)
    assert res['IoU.b'] == pytest.approx(60.0)
    assert res['IoU.c'] == pytest.approx(80.0)
    assert math.isnan(res['IoU.traffic_light'])
    assert res['mIoU_ab'] == pytest.approx(100 * (3 / 4 + 3 / 5) / 2)
    # the absent class is skipped, like in mIoU
    assert res['mIoU_bd'] == pytest.approx(60.0)


def test_results_accumulate_over_images_and_nan_to_num():
    # The same two images as one 4x4 pair split into its halves.
    gt, pred = np.array(GT_4X4), np.array(PRED_4X4)
    samples = [_sample(gt[:2], pred[:2]), _sample(gt[2:], pred[2:])]
    res = _evaluate(
        UDAIoUMetric(class_subsets=dict(mIoU_bd=[1, 3]), nan_to_num=0),
        CLASSES_4, samples)
    assert res['IoU.b'] == pytest.approx(60.0)
    assert res['IoU.traffic_light'] == 0
    # with NaN -> 0 the absent class counts as 0 in every mean
    assert res['mIoU'] == pytest.approx(100 * sum(IOU_4) / 4, abs=0.01)
    assert res['mIoU_bd'] == pytest.approx(30.0)


def test_cityscapes_auto_subsets():
    # Two 1x19 images holding every class once. In the second, wall (3) is
    # predicted as road (0) and terrain (9) as vegetation (8):
    # road 2/3, wall 1/2, vegetation 2/3, terrain 1/2, others 1.
    gt = list(range(19))
    pred = list(range(19))
    pred[3], pred[9] = 0, 8
    samples = [_sample([gt], [gt]), _sample([gt], [pred])]
    res = _evaluate(UDAIoUMetric(), CS_CLASSES, samples)

    assert res['IoU.road'] == pytest.approx(66.67)
    assert res['IoU.wall'] == pytest.approx(50.0)
    assert res['IoU.terrain'] == pytest.approx(50.0)
    assert res['IoU.traffic_light'] == pytest.approx(100.0)
    # 19 classes: (15 + 2/3 + 1/2 + 2/3 + 1/2) / 19 = 52/57
    assert res['mIoU'] == pytest.approx(100 * 52 / 57, abs=0.01)
    # 16 classes (no terrain, truck, train): (13 + 2/3 + 1/2 + 2/3) / 16
    assert res['mIoU16'] == pytest.approx(100 * 89 / 96, abs=0.01)
    # 13 classes (also no wall, fence, pole): (11 + 2/3 + 2/3) / 13
    assert res['mIoU13'] == pytest.approx(100 * 37 / 39, abs=0.01)


def test_crosscity_auto_adds_no_subsets():
    gt = [list(range(13))]
    res = _evaluate(UDAIoUMetric(), CROSSCITY_CLASSES, [_sample(gt, gt)])
    names = ['IoU.' + '_'.join(c.split()) for c in CROSSCITY_CLASSES]
    assert set(res) == {'aAcc', 'mIoU', 'mAcc', *names}
    assert res['mIoU'] == 100.0


def test_explicit_empty_subsets_and_prefix():
    res = _evaluate(
        UDAIoUMetric(class_subsets=dict(), prefix='cs'), CS_CLASSES,
        [_sample([list(range(19))], [list(range(19))])])
    assert 'cs/mIoU' in res and 'cs/IoU.road' in res
    assert not any('mIoU16' in key or 'mIoU13' in key for key in res)

    res = _evaluate(
        UDAIoUMetric(prefix='cs'), CS_CLASSES,
        [_sample([list(range(19))], [list(range(19))])])
    assert res['cs/mIoU16'] == 100.0 and res['cs/mIoU13'] == 100.0


@pytest.mark.parametrize('subsets, match', [
    ('all', "'auto' or a dict"),
    ([0, 1], "'auto' or a dict"),
    (dict(mIoUx=[]), 'non-empty'),
    (dict(mIoUx=[0, 0]), 'distinct'),
    (dict(mIoUx=[0.5]), 'class indices'),
    (dict(mIoU=[0, 1]), 'clashes'),
])
def test_bad_subset_arguments(subsets, match):
    with pytest.raises((ValueError, TypeError), match=match):
        UDAIoUMetric(class_subsets=subsets)


def test_subset_indices_checked_against_classes():
    metric = UDAIoUMetric(class_subsets=dict(mIoU16=[0, 5, 19]))
    with pytest.raises(ValueError, match=r'\[19\] outside \[0, 19\)'):
        metric.dataset_meta = dict(classes=CS_CLASSES)
    metric = UDAIoUMetric(class_subsets=dict(mIoU16=[-1, 2]))
    with pytest.raises(ValueError, match='mIoU16'):
        metric.dataset_meta = dict(classes=CROSSCITY_CLASSES)


def test_class_count_mismatch_is_caught():
    gt, pred = [[0, 1], [2, 255]], [[0, 1], [2, 2]]
    metric = UDAIoUMetric()
    metric.dataset_meta = dict(classes=('a', 'b', 'c'))
    with pytest.raises(ValueError, match=r'img.png holds class ids \[3\]'):
        metric.process(dict(), [_sample(gt, [[0, 1], [3, 3]])])
    with pytest.raises(ValueError, match='predicts 19 classes'):
        metric.process(dict(), [_sample(gt, pred, num_logits=19)])
    # raw label ids instead of train ids in the ground truth
    with pytest.raises(ValueError, match=r'ids \[7\]'):
        metric.process(dict(), [_sample([[0, 7]], [[0, 1]])])
    assert metric.results == []
    metric.process(dict(), [_sample(gt, pred, num_logits=3)])
    assert len(metric.results) == 1
