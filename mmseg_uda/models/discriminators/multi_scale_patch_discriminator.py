"""pix2pixHD's multi-scale PatchGAN discriminators D_1..D_k."""
from typing import List, Tuple

import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType
from torch import Tensor


@MODELS.register_module()
class MultiScalePatchDiscriminator(BaseModule):
    """Identical PatchGANs on an input pyramid of scales 1, 1/2, 1/4, ...

    Wang et al., "High-Resolution Image Synthesis and Semantic Manipulation
    with Conditional GANs" (pix2pixHD), CVPR 2018, as LDR (Yang et al.,
    ECCV 2020, Sec. 3.4) uses them for its reconstruction network: D_k
    judges the input down-sampled k - 1 times by ``AvgPool2d(3, stride 2,
    padding 1, count_include_pad=False)``. For a conditional GAN the input
    is the channel concatenation of the condition and the image (LDR: the
    label map and the real or reconstructed image), so ``in_channels`` of
    ``discriminator`` is ``C + 3``.

    All scales are one child: one optimizer and one DDP wrapper.

    Args:
        discriminator (dict): Config of each scale's discriminator, a
            :class:`PatchDiscriminator` (it needs ``forward_features``).
            Default: pix2pixHD's (64 channels, 3 stride-2 layers, 4x4
            convs padded by 2).
        num_scales (int): Number of discriminators and scales. Default: 3.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 discriminator: ConfigType = dict(
                     type='PatchDiscriminator',
                     base_channels=64,
                     num_layers=3,
                     padding=2),
                 num_scales: int = 3,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_scales < 1:
            raise ValueError(f'num_scales must be >= 1, got {num_scales}.')
        self.scales = nn.ModuleList(
            [MODELS.build(discriminator) for _ in range(num_scales)])
        if not hasattr(self.scales[0], 'forward_features'):
            raise TypeError(
                f'{type(self.scales[0]).__name__} has no forward_features; '
                'MultiScalePatchDiscriminator needs the hidden features of '
                'each scale (use PatchDiscriminator).')
        self.downsample = nn.AvgPool2d(
            3, stride=2, padding=1, count_include_pad=False)

    def forward(self, x: Tensor) -> List[Tuple[List[Tensor], Tensor]]:
        """``(features, logits)`` of every scale, full resolution first."""
        outputs = []
        for index, discriminator in enumerate(self.scales):
            if index:
                x = self.downsample(x)
            outputs.append(discriminator.forward_features(x))
        return outputs
