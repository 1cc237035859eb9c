import pytest
import torch
import torch.nn as nn

from mmseg_uda.models import ResNetGenerator


def test_default_is_cyclegans_resnet_9_blocks():
    gen = ResNetGenerator()
    convs = [m for m in gen.modules() if isinstance(m, nn.Conv2d)]
    deconvs = [m for m in gen.modules() if isinstance(m, nn.ConvTranspose2d)]
    strided = [c for c in convs if c.stride == (2, 2)]
    assert [c.out_channels for c in strided] == [128, 256]
    assert [d.out_channels for d in deconvs] == [128, 64]
    # stem + 2 down + 9 blocks of 2 convs + head
    assert len(convs) == 1 + 2 + 9 * 2 + 1
    assert convs[0].kernel_size == convs[-1].kernel_size == (7, 7)
    assert convs[-1].out_channels == 3
    # every stride-1 conv pads by reflection
    assert all(c.padding_mode == 'reflect' for c in convs
               if c.stride == (1, 1))
    norms = [m for m in gen.modules() if isinstance(m, nn.InstanceNorm2d)]
    assert len(norms) == len(convs) - 1 + len(deconvs)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in gen.modules())
    assert isinstance(list(gen.modules())[-1], nn.Tanh)


@pytest.mark.parametrize('size', [(32, 48), (30, 33), (17, 22)])
def test_output_keeps_any_input_size_in_tanh_range(size):
    gen = ResNetGenerator(base_channels=4, num_blocks=1)
    gen.init_weights()
    out = gen(torch.randn(2, 3, *size) * 3)
    assert out.shape == (2, 3, *size)
    assert out.abs().max() <= 1


def test_init_is_normal_with_std_0_02():
    torch.manual_seed(0)
    gen = ResNetGenerator(base_channels=16, num_blocks=2)
    gen.init_weights()
    weights = torch.cat([
        m.weight.flatten() for m in gen.modules()
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))
    ])
    assert abs(weights.std().item() - 0.02) < 0.002
    assert abs(weights.mean().item()) < 0.002


def test_without_outer_convs_is_ldrs_reading_1():
    """3 stride-2 3x3 convs, 9 blocks, 3 stride-2 3x3 transposed convs."""
    gen = ResNetGenerator(
        in_channels=19, num_downsamples=3, outer_convs=False)
    convs = [m for m in gen.modules() if isinstance(m, nn.Conv2d)]
    deconvs = [m for m in gen.modules() if isinstance(m, nn.ConvTranspose2d)]
    strided = [c for c in convs if c.stride == (2, 2)]
    assert [(c.in_channels, c.out_channels) for c in strided] == [(19, 64),
                                                                  (64, 128),
                                                                  (128, 256)]
    assert len(convs) == 3 + 9 * 2  # no 7x7 stem or head
    assert all(c.kernel_size == (3, 3) for c in convs)
    assert [(d.out_channels, d.stride, d.kernel_size) for d in deconvs] == [
        (128, (2, 2), (3, 3)), (64, (2, 2), (3, 3)), (3, (2, 2), (3, 3))
    ]
    # norm + ReLU after every conv but the last transposed conv
    norms = [m for m in gen.modules() if isinstance(m, nn.InstanceNorm2d)]
    assert len(norms) == len(convs) + len(deconvs) - 1
    assert isinstance(list(gen.modules())[-1], nn.Tanh)


@pytest.mark.parametrize('size', [(32, 64), (30, 33)])
def test_reading_1_keeps_any_input_size(size):
    gen = ResNetGenerator(
        in_channels=5,
        base_channels=4,
        num_blocks=1,
        num_downsamples=3,
        outer_convs=False)
    gen.init_weights()
    out = gen(torch.rand(2, 5, *size))
    assert out.shape == (2, 3, *size)
    assert out.abs().max() <= 1


def test_reading_1_needs_a_downsampling():
    with pytest.raises(ValueError, match='num_downsamples >= 1'):
        ResNetGenerator(num_downsamples=0, outer_convs=False)
