import math

import pytest
import torch

from mmseg_uda.models import cosine_distance_map


def test_identical_and_orthogonal_maps():
    # 2 classes, 1 x 3 pixels: identical / disjoint one-hot / 45 degrees
    p1 = torch.tensor([[1., 0., 1.], [0., 1., 0.]]).view(1, 2, 1, 3)
    p2 = torch.tensor([[1., 1., 0.5], [0., 0., 0.5]]).view(1, 2, 1, 3)
    distance = cosine_distance_map(p1, p2)
    assert distance.shape == (1, 1, 1, 3)
    assert distance[0, 0, 0, 0].item() == pytest.approx(0.)
    assert distance[0, 0, 0, 1].item() == pytest.approx(1.)
    assert distance[0, 0, 0, 2].item() == pytest.approx(1 - 1 / math.sqrt(2))


def test_softmax_maps_lie_in_0_1_and_are_symmetric():
    torch.manual_seed(0)
    p1 = torch.randn(2, 19, 5, 7).softmax(dim=1)
    p2 = torch.randn(2, 19, 5, 7).softmax(dim=1)
    distance = cosine_distance_map(p1, p2)
    assert distance.shape == (2, 1, 5, 7)
    assert ((distance >= 0) & (distance <= 1)).all()
    torch.testing.assert_close(distance, cosine_distance_map(p2, p1))
    torch.testing.assert_close(
        cosine_distance_map(p1, p1), torch.zeros(2, 1, 5, 7))


def test_shape_mismatch_raises():
    with pytest.raises(ValueError, match='shapes differ'):
        cosine_distance_map(torch.ones(1, 2, 3, 3), torch.ones(1, 3, 3, 3))
