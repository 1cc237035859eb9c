import pytest
import torch
import torch.nn as nn

from mmseg_uda.models import FineGrainedDiscriminator


def test_architecture_matches_the_paper():
    disc = FineGrainedDiscriminator(in_channels=2048, num_classes=19)
    convs = [m for m in disc.modules() if isinstance(m, nn.Conv2d)]
    assert [c.out_channels for c in convs] == [256, 128, 38]
    assert convs[0].in_channels == 2048
    assert all(c.kernel_size == (3, 3) and c.stride == (1, 1) for c in convs)
    relus = [m for m in disc.modules() if isinstance(m, nn.LeakyReLU)]
    assert len(relus) == 2 and all(r.negative_slope == 0.2 for r in relus)
    # the last layer is the conv: no activation on the logits
    assert isinstance(disc.layers[-1], nn.Conv2d)


def test_output_keeps_or_resizes_the_feature_size():
    disc = FineGrainedDiscriminator(
        in_channels=8, num_classes=3, channels=(16, 8))
    x = torch.randn(2, 8, 5, 7)
    assert disc(x).shape == (2, 6, 5, 7)
    out = disc(x, (40, 56))
    assert out.shape == (2, 6, 40, 56)
    # the resize is bilinear interpolation of the native logits
    native = disc(x)
    torch.testing.assert_close(
        out,
        nn.functional.interpolate(
            native, size=(40, 56), mode='bilinear', align_corners=False))


def test_wrong_feature_channels_raise():
    disc = FineGrainedDiscriminator(in_channels=8, num_classes=3)
    with pytest.raises(ValueError, match='in_channels'):
        disc(torch.randn(1, 4, 5, 5))
