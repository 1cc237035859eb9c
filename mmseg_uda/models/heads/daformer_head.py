"""DAFormer's decode head: multi-level embedding and context-aware fusion."""
from typing import List, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmseg.models.decode_heads.aspp_head import ASPPModule
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.decode_heads.sep_aspp_head import \
    DepthwiseSeparableASPPModule
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class DAFormerHead(BaseDecodeHead):
    """DAFormer head (Hoyer et al., CVPR 2022, Sec. 3.2).

    1. every selected encoder level is embedded to ``embed_dims`` channels
       by a 1x1 projection (a per-pixel linear layer, no norm, no
       activation);
    2. the embeddings are upsampled to the size of the first selected level
       (1/4 for MiT) and concatenated;
    3. context-aware fusion: parallel branches of an ASPP (a 1x1 conv for
       dilation 1, depthwise-separable 3x3 convs for the others when
       ``separable``; optionally a global-pooling branch), each with norm
       and activation, concatenated and fused by a 3x3 conv with norm and
       activation to ``channels``;
    4. dropout and the 1x1 classifier (``cls_seg``).

    DAFormer's paper setting (``daformer_sepaspp_mitb5``): four MiT levels,
    ``embed_dims=256``, ``channels=256``, dilations (1, 6, 12, 18),
    separable, no pooling, BN + ReLU, dropout 0.1, ``align_corners=False``.

    Args:
        embed_dims (int | Sequence[int]): Embedding channels per level.
            Defaults to 256.
        dilations (Sequence[int]): Dilations of the fusion branches.
            Defaults to (1, 6, 12, 18).
        separable (bool): Depthwise-separable dilated branches. Defaults to
            True.
        pool (bool): Add a global average pooling branch. Defaults to False.
        **kwargs: :class:`BaseDecodeHead` arguments (``in_channels`` and
            ``in_index`` as lists, ``channels``, ``num_classes``,
            ``norm_cfg``, ...); ``input_transform`` is 'multiple_select'.
    """

    def __init__(self,
                 embed_dims=256,
                 dilations: Sequence[int] = (1, 6, 12, 18),
                 separable: bool = True,
                 pool: bool = False,
                 **kwargs) -> None:
        if kwargs.pop('input_transform', 'multiple_select') != (
                'multiple_select'):
            raise ValueError('DAFormerHead selects several levels: '
                             "input_transform must be 'multiple_select'.")
        super().__init__(input_transform='multiple_select', **kwargs)
        if self.align_corners:
            raise ValueError('DAFormerHead resizes with align_corners=False.')
        if not dilations:
            raise ValueError('dilations must name at least one branch.')
        num_levels = len(self.in_channels)
        if isinstance(embed_dims, int):
            embed_dims = [embed_dims] * num_levels
        if len(embed_dims) != num_levels:
            raise ValueError(f'{len(embed_dims)} embed_dims for '
                             f'{num_levels} input levels.')
        self.embed_dims = list(embed_dims)
        self.embeds = nn.ModuleList(
            nn.Conv2d(in_channels, dims, 1)
            for in_channels, dims in zip(self.in_channels, self.embed_dims))
        fused = sum(self.embed_dims)
        branches = DepthwiseSeparableASPPModule if separable else ASPPModule
        self.aspp = branches(
            dilations=tuple(dilations),
            in_channels=fused,
            channels=self.channels,
            conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)
        self.image_pool = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            ConvModule(
                fused,
                self.channels,
                1,
                conv_cfg=self.conv_cfg,
                norm_cfg=self.norm_cfg,
                act_cfg=self.act_cfg)) if pool else None
        self.bottleneck = ConvModule(
            (len(dilations) + int(pool)) * self.channels,
            self.channels,
            3,
            padding=1,
            conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)

    def embed(self, inputs: List[Tensor]) -> Tensor:
        """Embedded levels, upsampled to the first one, concatenated."""
        size = inputs[0].shape[2:]
        embedded = []
        for x, embed in zip(inputs, self.embeds):
            x = embed(x)
            if x.shape[2:] != size:
                x = resize(
                    x,
                    size=size,
                    mode='bilinear',
                    align_corners=self.align_corners)
            embedded.append(x)
        return torch.cat(embedded, dim=1)

    def fuse(self, x: Tensor) -> Tensor:
        """Context-aware fusion of the concatenated embeddings."""
        outs = []
        if self.image_pool is not None:
            outs.append(
                resize(
                    self.image_pool(x),
                    size=x.shape[2:],
                    mode='bilinear',
                    align_corners=self.align_corners))
        outs.extend(self.aspp(x))
        return self.bottleneck(torch.cat(outs, dim=1))

    def forward(self, inputs: Sequence[Tensor]) -> Tensor:
        """Logits at the resolution of the first selected level."""
        x = self._transform_inputs(inputs)
        return self.cls_seg(self.fuse(self.embed(x)))
