"""pix2pixHD's multi-scale discriminators (LDR's D_1..3)."""
import pytest
import torch
import torch.nn.functional as F

from mmseg_uda.models import MultiScalePatchDiscriminator

DISC = dict(
    type='PatchDiscriminator', in_channels=22, base_channels=4, padding=2)


def test_three_scales_of_features_and_logits():
    torch.manual_seed(0)
    disc = MultiScalePatchDiscriminator(DISC)
    x = torch.randn(2, 22, 64, 128)
    outputs = disc(x)
    assert len(outputs) == 3
    inputs = [x]
    for _ in range(2):  # the input pyramid: 1, 1/2, 1/4
        inputs.append(
            F.avg_pool2d(
                inputs[-1], 3, stride=2, padding=1, count_include_pad=False))
    assert [tuple(i.shape[2:]) for i in inputs] == [(64, 128), (32, 64),
                                                    (16, 32)]
    for scale, ((features, logits), pyramid) in enumerate(
            zip(outputs, inputs)):
        assert len(features) == 4  # n_layers + 1 hidden blocks
        assert logits.shape[1] == 1
        # D_k is its own network applied to its level of the pyramid
        expected_features, expected_logits = disc.scales[
            scale].forward_features(pyramid)
        torch.testing.assert_close(logits, expected_logits)
        for got, expected in zip(features, expected_features):
            torch.testing.assert_close(got, expected)
    # three separate networks
    params = [list(d.parameters())[0] for d in disc.scales]
    assert params[0].data_ptr() != params[1].data_ptr()


def test_every_scale_gets_gradients():
    disc = MultiScalePatchDiscriminator(DISC, num_scales=3)
    outputs = disc(torch.randn(1, 22, 32, 64))
    sum(logits.mean() for _, logits in outputs).backward()
    for scale in disc.scales:
        assert all(p.grad is not None and p.grad.abs().sum() > 0
                   for p in scale.parameters())


def test_bad_settings_are_explained():
    with pytest.raises(ValueError, match='num_scales'):
        MultiScalePatchDiscriminator(DISC, num_scales=0)
    with pytest.raises(TypeError, match='forward_features'):
        MultiScalePatchDiscriminator(
            dict(type='FCDiscriminator', in_channels=22))
