"""ClassCenterDistance against Eq. 9 of FADA computed by hand.

Two-dimensional features of five pixels:

- class 0: (0, 0), (2, 0) -> center (1, 0), spread ((1 + 1) / 2) = 1
- class 1: (1, 4)         -> center (1, 4), spread 0
- class 2: (5, 0), (7, 0) -> center (6, 0), spread 1

Squared center distances: d01 = 16, d02 = 25, d12 = 25 + 16 = 41; with
K = 3 present classes, CCD(i) = 1/2 * sum_j spread_i / d_ij:

- CCD(0) = (1/16 + 1/25) / 2 = 0.05125
- CCD(1) = 0
- CCD(2) = (1/25 + 1/41) / 2 = 0.0321951
- mean = 0.0278150
"""
import math

import numpy as np
import pytest
import torch

from mmseg_uda.evaluation import ClassCenterDistance

POINTS = [(0., 0.), (2., 0.), (1., 4.), (5., 0.), (7., 0.)]
LABELS = [0, 0, 1, 2, 2]
EXPECTED = [0.05125, 0., 0.0321951]


def as_maps(points, labels):
    """``(1, 2, 1, P)`` features and ``(1, 1, P)`` labels."""
    features = torch.tensor(points).t()[None, :, None, :]
    return features, torch.tensor(labels)[None, None, :]


def test_ccd_by_hand():
    stats = ClassCenterDistance(num_classes=4)
    # an ignored pixel with a far-away feature must not count
    stats.update(*as_maps(POINTS + [(100., 100.)], LABELS + [255]))
    result = stats.compute()
    np.testing.assert_allclose(result['ccd'][:3], EXPECTED, atol=1e-6)
    assert math.isnan(result['ccd'][3])  # class 3 has no pixel
    assert result['mean_ccd'] == pytest.approx(0.0278150, abs=1e-6)
    np.testing.assert_allclose(result['intra'][:3], [1., 0., 1.])
    assert result['counts'].tolist() == [2, 1, 2, 0]


def test_streaming_and_joint_statistics_match_one_pass():
    one_pass = ClassCenterDistance(num_classes=3)
    one_pass.update(*as_maps(POINTS, LABELS))
    first, second = ClassCenterDistance(3), ClassCenterDistance(3)
    first.update(*as_maps(POINTS[:3], LABELS[:3]))
    second.update(*as_maps(POINTS[3:], LABELS[3:]))
    # two batches into one accumulator
    streamed = ClassCenterDistance(3)
    streamed.update(*as_maps(POINTS[:3], LABELS[:3]))
    streamed.update(*as_maps(POINTS[3:], LABELS[3:]))
    for stats in (streamed, first + second):
        np.testing.assert_allclose(stats.compute()['ccd'],
                                   one_pass.compute()['ccd'])


def test_labels_are_downsampled_to_the_features():
    stats = ClassCenterDistance(num_classes=3)
    # labels at twice the feature resolution: nearest keeps every other
    labels = torch.tensor(LABELS).repeat_interleave(2)[None, None, :]
    labels = labels.repeat(1, 2, 1)  # (1, 2, 10)
    features, _ = as_maps(POINTS, LABELS)
    stats.update(features, labels)
    np.testing.assert_allclose(stats.compute()['ccd'], EXPECTED, atol=1e-6)


def test_fewer_than_two_classes_give_nan():
    stats = ClassCenterDistance(num_classes=3)
    stats.update(*as_maps(POINTS[:2], LABELS[:2]))
    assert math.isnan(stats.compute()['mean_ccd'])
    with pytest.raises(ValueError, match='channels'):
        stats.update(torch.zeros(1, 3, 1, 1), torch.zeros(1, 1, 1))
