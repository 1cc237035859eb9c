"""ResNet generator of CycleGAN (9 residual blocks between 2 down/2 up)."""
from typing import List

import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType
from torch import Tensor


def conv_norm_relu(in_channels: int,
                   out_channels: int,
                   kernel_size: int,
                   norm_cfg: ConfigType,
                   stride: int = 1,
                   relu: bool = True) -> List[nn.Module]:
    """Conv (reflection padding at stride 1), norm and optionally ReLU."""
    layers = [
        nn.Conv2d(
            in_channels,
            out_channels,
            kernel_size,
            stride=stride,
            padding=kernel_size // 2,
            padding_mode='reflect' if stride == 1 else 'zeros',
            bias=False),
        build_norm_layer(norm_cfg, out_channels)[1]
    ]
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return layers


def _upsample(in_channels: int,
              out_channels: int,
              bias: bool = False) -> nn.ConvTranspose2d:
    """A stride-2 3x3 transposed conv that doubles the size exactly."""
    return nn.ConvTranspose2d(
        in_channels,
        out_channels,
        3,
        stride=2,
        padding=1,
        output_padding=1,
        bias=bias)


class ResidualBlock(nn.Module):
    """Two reflection-padded 3x3 conv-norm layers with a skip connection.

    Args:
        channels (int): Input and output channels.
        norm_cfg (dict): Normalisation layer config.
        use_dropout (bool): Dropout(0.5) between the two convs.
    """

    def __init__(self, channels: int, norm_cfg: ConfigType,
                 use_dropout: bool) -> None:
        super().__init__()
        layers = conv_norm_relu(channels, channels, 3, norm_cfg)
        if use_dropout:
            layers.append(nn.Dropout(0.5))
        layers += conv_norm_relu(channels, channels, 3, norm_cfg, relu=False)
        self.block = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.block(x)


@MODELS.register_module()
class ResNetGenerator(BaseModule):
    """CycleGAN's image-to-image generator.

    A reflection-padded 7x7 conv, ``num_downsamples`` stride-2 3x3 convs,
    ``num_blocks`` residual blocks, as many stride-2 transposed convs and a
    7x7 conv with ``tanh``; a norm layer and ReLU follow every conv but the
    last. Inputs and outputs are images in [-1, 1] (LDR's reconstruction
    network: ``in_channels`` = classes, the input a label map). Inputs
    whose sides are not multiples of ``2 ** num_downsamples`` are
    reflection-padded and the output is cropped back, so any image size
    works (fully convolutional).

    ``outer_convs=False`` drops the two 7x7 convs: ``num_downsamples``
    stride-2 3x3 convs (the first from ``in_channels`` to
    ``base_channels``), the residual blocks, ``num_downsamples - 1``
    transposed convs halving the channels and a last transposed conv to
    ``out_channels`` with ``tanh`` (LDR Sec. 4.2 read with its strides
    swapped: 3 stride-2 convs, 9 residual blocks, 3 stride-2 transposed
    convs; see configs/ldr/README.md).

    Args:
        in_channels (int): Input image channels. Default: 3.
        out_channels (int): Output image channels. Default: 3.
        base_channels (int): Channels of the first conv; doubled by every
            down-sampling. Default: 64.
        num_blocks (int): Residual blocks. Default: 9 (CycleGAN's choice for
            images of 256 px and more).
        num_downsamples (int): Stride-2 stages. Default: 2.
        norm_cfg (dict): Normalisation config. Default: instance norm
            without affine parameters, as CycleGAN.
        use_dropout (bool): Dropout in the residual blocks. Default: False.
        outer_convs (bool): Keep the 7x7 input and output convs (CycleGAN).
            Default: True.
        init_cfg (dict, optional): Initialisation config. Default: normal
            weights with std 0.02 and zero biases, as CycleGAN.
    """

    def __init__(
        self,
        in_channels: int = 3,
        out_channels: int = 3,
        base_channels: int = 64,
        num_blocks: int = 9,
        num_downsamples: int = 2,
        norm_cfg: ConfigType = dict(type='IN'),
        use_dropout: bool = False,
        outer_convs: bool = True,
        init_cfg: OptConfigType = dict(
            type='Normal', std=0.02, layer=['Conv2d', 'ConvTranspose2d'])
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        if not outer_convs and num_downsamples < 1:
            raise ValueError('ResNetGenerator(outer_convs=False) needs '
                             'num_downsamples >= 1.')
        self.num_downsamples = num_downsamples
        # without the 7x7 input conv, the first down-sampling takes its place
        kernel_size, stride = (7, 1) if outer_convs else (3, 2)
        layers = conv_norm_relu(
            in_channels, base_channels, kernel_size, norm_cfg, stride=stride)
        channels = base_channels
        doublings = num_downsamples if outer_convs else num_downsamples - 1
        for _ in range(doublings):
            layers += conv_norm_relu(
                channels, channels * 2, 3, norm_cfg, stride=2)
            channels *= 2
        layers += [
            ResidualBlock(channels, norm_cfg, use_dropout)
            for _ in range(num_blocks)
        ]
        for _ in range(doublings):
            layers += [
                _upsample(channels, channels // 2),
                build_norm_layer(norm_cfg, channels // 2)[1],
                nn.ReLU(inplace=True)
            ]
            channels //= 2
        if outer_convs:
            layers.append(
                nn.Conv2d(
                    channels,
                    out_channels,
                    7,
                    padding=3,
                    padding_mode='reflect'))
        else:
            layers.append(_upsample(channels, out_channels, bias=True))
        layers.append(nn.Tanh())
        self.layers = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        """Translate ``x`` (N, C, H, W) in [-1, 1] to an image of its size."""
        height, width = x.shape[2:]
        divisor = 2**self.num_downsamples
        pad_h, pad_w = -height % divisor, -width % divisor
        if pad_h or pad_w:
            x = F.pad(x, (0, pad_w, 0, pad_h), mode='reflect')
        return self.layers(x)[..., :height, :width]
