import pytest
import torch
from mmcv.cnn import DepthwiseSeparableConvModule
from mmseg.registry import MODELS

from mmseg_uda.models.heads import DAFormerHead

MIT_B0 = [32, 64, 160, 256]


def build_head(**kwargs):
    cfg = dict(
        type='DAFormerHead',
        in_channels=MIT_B0,
        in_index=[0, 1, 2, 3],
        channels=16,
        embed_dims=16,
        dilations=(1, 6, 12, 18),
        num_classes=19,
        dropout_ratio=0.1,
        norm_cfg=dict(type='BN', requires_grad=True),
        align_corners=False)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def mit_pyramid(batch=2, size=64):
    """A fake MiT feature pyramid at strides 4, 8, 16, 32."""
    return [
        torch.randn(batch, c, size // s, size // s)
        for c, s in zip(MIT_B0, (4, 8, 16, 32))
    ]


def test_output_shape_is_the_quarter_resolution_map():
    head = build_head()
    assert isinstance(head, DAFormerHead)
    head.eval()
    out = head(mit_pyramid())
    assert out.shape == (2, 19, 16, 16)


def test_structure_and_parameter_count():
    head = build_head(
        in_channels=[4, 8, 12, 16],
        channels=8,
        embed_dims=8,
        dilations=(1, 2),
        num_classes=3)
    assert [m.kernel_size for m in head.embeds] == [(1, 1)] * 4
    assert [m.out_channels for m in head.embeds] == [8] * 4
    # dilation 1: 1x1 conv; larger dilations: depthwise-separable 3x3
    assert head.aspp[0].conv.kernel_size == (1, 1)
    assert isinstance(head.aspp[1], DepthwiseSeparableConvModule)
    assert head.aspp[1].depthwise_conv.conv.dilation == (2, 2)
    assert head.aspp[1].depthwise_conv.conv.groups == 32
    assert head.image_pool is None
    # embeddings: 1x1 convs with bias, 8 * (4 + 8 + 12 + 16) + 4 * 8
    embeds = 8 * 40 + 32
    # branch 1: 1x1 conv 32 -> 8 (no bias before BN) + BN(8)
    branch1 = 32 * 8 + 2 * 8
    # branch 2: depthwise 3x3 on 32 + BN(32), pointwise 32 -> 8 + BN(8)
    branch2 = 32 * 9 + 2 * 32 + 32 * 8 + 2 * 8
    # fusion: 3x3 conv 2 * 8 -> 8 + BN(8); classifier 8 -> 3 with bias
    fusion = 16 * 8 * 9 + 2 * 8
    classifier = 8 * 3 + 3
    total = sum(p.numel() for p in head.parameters())
    assert total == embeds + branch1 + branch2 + fusion + classifier
    # plain ASPP and a pooling branch change the structure accordingly
    plain = build_head(
        in_channels=[4, 8, 12, 16],
        channels=8,
        embed_dims=8,
        dilations=(1, 2),
        num_classes=3,
        separable=False,
        pool=True)
    assert plain.aspp[1].conv.kernel_size == (3, 3)
    assert plain.bottleneck.conv.in_channels == 3 * 8
    plain.eval()
    assert plain([torch.randn(1, c, 8, 8)
                  for c in (4, 8, 12, 16)]).shape == (1, 3, 8, 8)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match='embed_dims'):
        build_head(embed_dims=[16, 16])
    with pytest.raises(ValueError, match='align_corners'):
        build_head(align_corners=True)
    with pytest.raises(ValueError, match='multiple_select'):
        build_head(input_transform='resize_concat')
