"""PatchGAN discriminator of pix2pix and CycleGAN."""
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
    70x70 patches (CycleGAN).

    Args:
        in_channels (int): Image channels. Default: 3.
        base_channels (int): Channels of the first conv. Default: 64.
        num_layers (int): Stride-2 convs. Default: 3.
        norm_cfg (dict): Normalisation config. Default: instance norm.
        negative_slope (float): LeakyReLU slope. Default: 0.2.
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
        init_cfg: OptConfigType = dict(
            type='Normal', std=0.02, layer='Conv2d')
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        layers = [
            nn.Conv2d(in_channels, base_channels, 4, stride=2, padding=1),
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
                    padding=1,
                    bias=False),
                build_norm_layer(norm_cfg, out_channels)[1],
                nn.LeakyReLU(negative_slope, inplace=True)
            ]
            channels = out_channels
        layers.append(nn.Conv2d(channels, 1, 4, padding=1))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        """Return one real-vs-translated logit per patch (N, 1, h, w)."""
        return self.layers(x)
