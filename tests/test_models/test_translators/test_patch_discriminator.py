import pytest
import torch
import torch.nn as nn

from mmseg_uda.models import PatchDiscriminator


def test_default_is_the_70x70_patchgan():
    disc = PatchDiscriminator()
    convs = [m for m in disc.modules() if isinstance(m, nn.Conv2d)]
    assert [c.out_channels for c in convs] == [64, 128, 256, 512, 1]
    assert [c.stride[0] for c in convs] == [2, 2, 2, 1, 1]
    assert all(c.kernel_size == (4, 4) for c in convs)
    norms = [m for m in disc.modules() if isinstance(m, nn.InstanceNorm2d)]
    assert len(norms) == 3  # none after the first and the last conv
    relus = [m for m in disc.modules() if isinstance(m, nn.LeakyReLU)]
    assert len(relus) == 4
    assert all(r.negative_slope == 0.2 for r in relus)


def without_norms(disc: PatchDiscriminator) -> PatchDiscriminator:
    """Instance norm mixes all pixels; the conv stack alone sets the patch.
    """
    for i, layer in enumerate(disc.layers):
        if isinstance(layer, nn.InstanceNorm2d):
            disc.layers[i] = nn.Identity()
    return disc


def test_each_logit_sees_a_70x70_patch():
    disc = without_norms(PatchDiscriminator(base_channels=4))
    x = torch.randn(1, 3, 128, 128, requires_grad=True)
    out = disc(x)
    assert out.shape == (1, 1, 14, 14)
    out[0, 0, 7, 7].backward()
    seen = x.grad.abs().sum((0, 1)) > 0
    rows = seen.any(1).nonzero().flatten()
    cols = seen.any(0).nonzero().flatten()
    assert rows.max() - rows.min() + 1 == 70
    assert cols.max() - cols.min() + 1 == 70


def test_shallower_discriminators_see_smaller_patches():
    disc = without_norms(PatchDiscriminator(base_channels=4, num_layers=2))
    x = torch.randn(1, 3, 64, 64, requires_grad=True)
    out = disc(x)
    out[0, 0, out.shape[2] // 2, out.shape[3] // 2].backward()
    rows = (x.grad.abs().sum((0, 1, 3)) > 0).nonzero().flatten()
    assert rows.max() - rows.min() + 1 == 34


def test_forward_features_returns_every_block_and_the_logits():
    torch.manual_seed(0)
    disc = PatchDiscriminator(in_channels=5, base_channels=4, num_layers=3)
    x = torch.randn(2, 5, 64, 64)
    features, logits = disc.forward_features(x)
    torch.testing.assert_close(logits, disc(x))
    assert [f.shape[1] for f in features] == [4, 8, 16, 32]
    # each block's output after its LeakyReLU: the next conv's input
    convs = [m for m in disc.modules() if isinstance(m, nn.Conv2d)]
    seen = []
    hooks = [
        conv.register_forward_hook(lambda m, i, o: seen.append(i[0]))
        for conv in convs[1:]
    ]
    disc(x)
    for hook in hooks:
        hook.remove()
    for feature, conv_input in zip(features, seen):
        torch.testing.assert_close(feature, conv_input)


def test_pix2pixhd_padding_grows_the_maps():
    x = torch.randn(1, 3, 16, 32)  # LDR's D_3 sees the toy 64x128 at 1/4
    cyclegan = PatchDiscriminator(base_channels=4)
    pix2pixhd = PatchDiscriminator(base_channels=4, padding=2)
    assert all(c.padding == (2, 2) for c in pix2pixhd.modules()
               if isinstance(c, nn.Conv2d))
    with pytest.raises(RuntimeError):  # too small for padding 1
        cyclegan(x)
    # ceil(H / 2) + 1 per stride-2 conv, + 1 per stride-1 conv
    assert pix2pixhd(x).shape == (1, 1, 5, 7)
