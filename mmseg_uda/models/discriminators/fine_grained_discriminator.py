"""FADA's fine-grained (domain x class) discriminator."""
from typing import Optional, Sequence, Tuple

import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class FineGrainedDiscriminator(BaseModule):
    """3x3 stride-1 convs from features to ``2K`` domain-class logits.

    FADA (Wang et al., ECCV 2020, Sec. 4.3): three 3x3 convs, stride 1,
    with {256, 128, 2K} channels and LeakyReLU(0.2) after all but the last.
    Channel ``k`` scores "source, class k" and channel ``K + k`` "target,
    class k", so a softmax over the 2K channels models ``P(d, c | f)``.

    The convs keep the feature resolution; ``forward(x, size)`` resizes the
    logits (bilinear), as the official code resizes them to the input image
    size before the loss.

    Args:
        in_channels (int): Channels of the features (2048 for ResNet-101
            layer4).
        num_classes (int): Number of classes ``K``; the output has ``2K``
            channels.
        channels (Sequence[int]): Hidden conv channels.
            Defaults to (256, 128).
        negative_slope (float): LeakyReLU slope. Defaults to 0.2.
        align_corners (bool): ``align_corners`` of the output resize.
            True reproduces the ``PixelDiscriminator`` of FADA's
            ``core/models/discriminator.py``, whose source (``cls1``) and
            target (``cls2``) convs are this module's last conv, stacked
            in that order. Defaults to False.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 channels: Sequence[int] = (256, 128),
                 negative_slope: float = 0.2,
                 align_corners: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        layers = []
        for out_channels in channels:
            layers += [
                nn.Conv2d(in_channels, out_channels, 3, stride=1, padding=1),
                nn.LeakyReLU(negative_slope, inplace=True)
            ]
            in_channels = out_channels
        layers.append(
            nn.Conv2d(in_channels, 2 * num_classes, 3, stride=1, padding=1))
        self.layers = nn.Sequential(*layers)
        self.in_channels = layers[0].in_channels
        self.num_classes = num_classes
        self.align_corners = align_corners

    def forward(self,
                x: Tensor,
                size: Optional[Tuple[int, int]] = None) -> Tensor:
        """``(N, 2K, H, W)`` logits, resized to ``size`` when it is given."""
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f'FineGrainedDiscriminator expects {self.in_channels} '
                f'feature channels, got {x.shape[1]}: set in_channels (and '
                "FADA's feature_index) to the adapted feature map.")
        out = self.layers(x)
        if size is not None and tuple(out.shape[2:]) != tuple(size):
            out = F.interpolate(
                out,
                size=tuple(size),
                mode='bilinear',
                align_corners=self.align_corners)
        return out
