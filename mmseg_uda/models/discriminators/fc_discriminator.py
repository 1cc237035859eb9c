"""Fully-convolutional discriminator of AdaptSegNet."""
from typing import Sequence

import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class FCDiscriminator(BaseModule):
    """4x4 stride-2 convs with LeakyReLU and no normalisation.

    The default is AdaptSegNet's output-space discriminator: five convs with
    {64, 128, 256, 512, 1} channels, LeakyReLU(0.2) after all but the last,
    no batch norm (small batches), and an up-sampling of the score map to
    the input size.

    Args:
        in_channels (int): Channels of the input (classes for the softmax
            output, feature channels for feature-level adaptation).
        channels (Sequence[int]): Hidden conv channels.
            Default: (64, 128, 256, 512).
        negative_slope (float): LeakyReLU slope. Default: 0.2.
        upsample_output (bool): Resize the score map to the input size
            (the paper); False returns the native 1/32 map, as the
            ``FCDiscriminator`` of AdaptSegNet's and BDL's
            ``model/discriminator.py`` does (their losses use that map).
            Default: True.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 channels: Sequence[int] = (64, 128, 256, 512),
                 negative_slope: float = 0.2,
                 upsample_output: bool = True,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        layers = []
        for out_channels in channels:
            layers += [
                nn.Conv2d(in_channels, out_channels, 4, stride=2, padding=1),
                nn.LeakyReLU(negative_slope, inplace=True)
            ]
            in_channels = out_channels
        layers.append(nn.Conv2d(in_channels, 1, 4, stride=2, padding=1))
        self.layers = nn.Sequential(*layers)
        self.upsample_output = upsample_output

    def forward(self, x: Tensor) -> Tensor:
        """Return one source-vs-target logit per (output) pixel."""
        out = self.layers(x)
        if self.upsample_output:
            out = F.interpolate(
                out, size=x.shape[2:], mode='bilinear', align_corners=False)
        return out
