"""PatchGAN discriminator of pix2pix and CycleGAN."""
from typing import List, Tuple

import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType
from torch import Tensor


@MODELS.register_module()
class PatchDiscriminator(BaseModule):
    """Classify overlapping image patches as real or translated.

    4x4 convs: a stride-2 conv with ``base_channels`` and LeakyReLU (no
    norm), ``num_layers - 1`` more stride-2 convs doubling the channels (at
    most 8x), one stride-1 conv, each with norm and LeakyReLU, and a
    stride-1 conv to one logit per patch. The default ``num_layers=3`` sees
    70x70 patches (CycleGAN). :meth:`forward_features` also returns the
    ``num_layers + 1`` hidden block outputs (after their LeakyReLU), which
    pix2pixHD's feature-matching loss compares.

    Args:
        in_channels (int): Image channels. Default: 3.
        base_channels (int): Channels of the first conv. Default: 64.
        num_layers (int): Stride-2 convs. Default: 3.
        norm_cfg (dict): Normalisation config. Default: instance norm.
        negative_slope (float): LeakyReLU slope. Default: 0.2.
        padding (int): Padding of every 4x4 conv: 1 (CycleGAN) or 2
            (pix2pixHD, whose maps grow by one pixel per stride-1 conv, so
            small inputs keep a score map). Default: 1.
        init_cfg (dict, optional): Initialisation config. Default: normal
            weights with std 0.02 and zero biases, as CycleGAN.
    """

    def __init__(
        self,
        in_channels: int = 3,
        base_channels: int = 64,
        num_layers: int = 3,
        norm_cfg: ConfigType = dict(type='IN'),
        negative_slope: float = 0.2,
        padding: int = 1,
        init_cfg: OptConfigType = dict(
            type='Normal', std=0.02, layer='Conv2d')
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        layers = [
            nn.Conv2d(
                in_channels, base_channels, 4, stride=2, padding=padding),
            nn.LeakyReLU(negative_slope, inplace=True)
        ]
        channels = base_channels
        for i in range(1, num_layers + 1):
            out_channels = base_channels * min(2**i, 8)
            layers += [
                nn.Conv2d(
                    channels,
                    out_channels,
                    4,
                    stride=2 if i < num_layers else 1,
                    padding=padding,
                    bias=False),
                build_norm_layer(norm_cfg, out_channels)[1],
                nn.LeakyReLU(negative_slope, inplace=True)
            ]
            channels = out_channels
        layers.append(nn.Conv2d(channels, 1, 4, padding=padding))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        """Return one real-vs-translated logit per patch (N, 1, h, w)."""
        return self.layers(x)

    def forward_features(self, x: Tensor) -> Tuple[List[Tensor], Tensor]:
        """The hidden block outputs and the logits, in one pass.

        Returns:
            tuple: ``num_layers + 1`` feature maps (each block's output
            after its LeakyReLU) and the logits (N, 1, h, w).
        """
        features = []
        for layer in self.layers:
            x = layer(x)
            if isinstance(layer, nn.LeakyReLU):
                features.append(x)
        return features, x
