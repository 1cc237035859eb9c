"""Discriminator feature matching (LDR Eq. 5, pix2pixHD's weights)."""
import pytest
import torch

from mmseg_uda.models import FeatureMatchingLoss


def constant_features(value, scales=3, layers=4, requires_grad=False):
    return [[
        torch.full((2, 8, 5, 6), float(value), requires_grad=requires_grad)
        for _ in range(layers)
    ] for _ in range(scales)]


def test_pix2pixhd_weights_on_constant_features():
    fake, real = constant_features(1.5), constant_features(-0.5)
    # 3 scales x 4 layers, each |1.5 - (-0.5)| = 2, weight 1/3 * 4/4
    loss = FeatureMatchingLoss()(fake, real)
    torch.testing.assert_close(loss, torch.tensor(3 * 4 * 2. / 3))
    # 2 scales x 2 layers: weight (1/2) * (4/2) = 1 per layer
    loss = FeatureMatchingLoss(loss_weight=10.)(
        constant_features(1., 2, 2), constant_features(0., 2, 2))
    torch.testing.assert_close(loss, torch.tensor(10. * 4))


def test_plain_sum_of_eq_5():
    loss = FeatureMatchingLoss(pix2pixhd_weights=False)(
        constant_features(1.), constant_features(0.75))
    torch.testing.assert_close(loss, torch.tensor(12 * 0.25))


def test_real_features_are_targets():
    fake = constant_features(1., requires_grad=True)
    real = constant_features(0., requires_grad=True)
    FeatureMatchingLoss()(fake, real).backward()
    assert all(f.grad is not None for scale in fake for f in scale)
    assert all(r.grad is None for scale in real for r in scale)


def test_mismatched_lists_are_an_error():
    with pytest.raises(ValueError, match='as many as the discriminators'):
        FeatureMatchingLoss()(constant_features(0., 3), constant_features(
            0., 2))
