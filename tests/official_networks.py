"""The authors' networks, re-stated for the official-weights tests.

Written for these tests from the layouts of the official repositories
(module names, strides, dilations, paddings, what is summed and resized):

- AdaptSegNet (wasidennis/AdaptSegNet) ``model/deeplab_multi.py``: caffe
  bottlenecks (stride in the first 1x1 conv), stem max-pool with
  ``ceil_mode``, every first block with a projection, conv4 / conv5
  dilated 2 / 4 in all blocks; ``layer5`` classifier on conv4, ``layer6``
  on conv5, each summing only its first two branches;
  ``model/discriminator.py``: ``conv1..conv4`` + ``classifier``, 4x4
  stride 2, LeakyReLU 0.2, no upsampling.
- BDL (liyunsheng13/BDL) ``model/deeplab.py``: the same ResNet, one
  ``layer5`` classifier on conv5 summing all four branches. The DeepLab
  initial model has that layout under ``Scale.``, with 21 classes.
- FADA (JDAI-CV/FADA) ``core/models``: torchvision's ResNet (stride in the
  3x3 conv, no ceil mode) with ``replace_stride_with_dilation`` under
  ``backbone.``, ``FrozenBatchNorm2d`` without epsilon (or plain BN), the
  ``conv2d_list`` classifier, ``PixelDiscriminator`` (``D``, ``cls1``,
  ``cls2``) with ``align_corners=True`` resizing.
"""
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

CAFFE_MEAN = (104.00698793, 116.66876762, 122.67891434)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
R101 = (3, 4, 23, 3)
R50 = (3, 4, 6, 3)


class NoEpsFrozenBN(nn.Module):
    """FADA's frozen BN: fixed buffers, no epsilon."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        for name, value in (('weight', 1.), ('bias', 0.), ('running_mean', 0.),
                            ('running_var', 1.)):
            self.register_buffer(name, torch.full((channels, ), value))

    def forward(self, x: Tensor) -> Tensor:
        scale = self.weight / self.running_var.sqrt()
        shift = self.bias - self.running_mean * scale
        return x * scale[None, :, None, None] + shift[None, :, None, None]


class Bottleneck(nn.Module):
    """1x1 -> 3x3 (dilated) -> 1x1 with a residual; ``caffe`` puts the
    stride in the first 1x1 conv, otherwise in the 3x3 conv."""

    def __init__(self, in_ch: int, width: int, stride: int, dilation: int,
                 project: bool, caffe: bool, norm) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(
            in_ch, width, 1, stride=stride if caffe else 1, bias=False)
        self.bn1 = norm(width)
        self.conv2 = nn.Conv2d(
            width,
            width,
            3,
            stride=1 if caffe else stride,
            padding=dilation,
            dilation=dilation,
            bias=False)
        self.bn2 = norm(width)
        self.conv3 = nn.Conv2d(width, width * 4, 1, bias=False)
        self.bn3 = norm(width * 4)
        self.downsample = nn.Sequential(
            nn.Conv2d(in_ch, width * 4, 1, stride=stride, bias=False),
            norm(width * 4)) if project else None

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        skip = x if self.downsample is None else self.downsample(x)
        return F.relu(out + skip)


class ResNetBody(nn.Module):
    """Stem + four stages at output stride 8.

    ``caffe=True``: DeepLabV2 (AdaptSegNet, BDL); every block of conv4 /
    conv5 has dilation 2 / 4, every first block a projection.
    ``caffe=False``: torchvision with ``replace_stride_with_dilation=
    [False, True, True]`` (FADA); the first block of conv4 / conv5 keeps
    the previous dilation (1 / 2).
    """

    def __init__(self, blocks: Sequence[int], caffe: bool, norm) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = norm(64)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=caffe)
        in_ch = 64
        for index, (n, width, stride, dilation) in enumerate(
                zip(blocks, (64, 128, 256, 512), (1, 2, 1, 1), (1, 1, 2, 4))):
            layers = []
            for i in range(n):
                first = i == 0
                if caffe or not first:
                    block_dilation = dilation
                else:
                    block_dilation = max(dilation // 2, 1)
                project = first and (caffe or stride != 1
                                     or in_ch != width * 4)
                layers.append(
                    Bottleneck(in_ch, width, stride if first else 1,
                               block_dilation, project, caffe, norm))
                in_ch = width * 4
            self.add_module(f'layer{index + 1}', nn.Sequential(*layers))

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        c4 = self.layer3(x)
        return c4, self.layer4(c4)


class Classifier(nn.Module):
    """``conv2d_list``: 3x3 convs dilated 6/12/18/24; the first
    ``summed`` outputs are added."""

    def __init__(self, in_ch: int, num_classes: int, summed: int) -> None:
        super().__init__()
        self.conv2d_list = nn.ModuleList(
            nn.Conv2d(in_ch, num_classes, 3, padding=d, dilation=d)
            for d in (6, 12, 18, 24))
        self.summed = summed

    def forward(self, x: Tensor) -> Tensor:
        return sum(conv(x) for conv in self.conv2d_list[:self.summed])


class DeepLabMulti(nn.Module):
    """AdaptSegNet's model: returns (conv4 logits, conv5 logits)."""

    def __init__(self, num_classes: int = 19, blocks=R101) -> None:
        super().__init__()
        body = ResNetBody(blocks, caffe=True, norm=nn.BatchNorm2d)
        for name, child in body.named_children():
            self.add_module(name, child)
        self._body = [body]  # forward only, not a registered child
        self.layer5 = Classifier(1024, num_classes, summed=2)
        self.layer6 = Classifier(2048, num_classes, summed=2)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        c4, c5 = self._body[0](x)
        return self.layer5(c4), self.layer6(c5)


class DeepLab(nn.Module):
    """BDL's model (and the DeepLab initial model's layout)."""

    def __init__(self, num_classes: int = 19, blocks=R101) -> None:
        super().__init__()
        body = ResNetBody(blocks, caffe=True, norm=nn.BatchNorm2d)
        for name, child in body.named_children():
            self.add_module(name, child)
        self._body = [body]
        self.layer5 = Classifier(2048, num_classes, summed=4)

    def features(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        return self._body[0](x)

    def forward(self, x: Tensor) -> Tensor:
        return self.layer5(self.features(x)[1])


class FCDiscriminator(nn.Module):
    """AdaptSegNet's / BDL's discriminator, native-resolution output."""

    def __init__(self, num_classes: int = 19, ndf: int = 64) -> None:
        super().__init__()
        widths = (num_classes, ndf, ndf * 2, ndf * 4, ndf * 8)
        for i in range(4):
            self.add_module(f'conv{i + 1}',
                            nn.Conv2d(widths[i], widths[i + 1], 4, 2, 1))
        self.classifier = nn.Conv2d(ndf * 8, 1, 4, 2, 1)

    def forward(self, x: Tensor) -> Tensor:
        for i in range(4):
            x = F.leaky_relu(getattr(self, f'conv{i + 1}')(x), 0.2)
        return self.classifier(x)


class FadaFeatureExtractor(nn.Module):
    """``backbone.*``: torchvision ResNet with dilation, up to layer4."""

    def __init__(self, blocks=R101, frozen_bn: bool = True) -> None:
        super().__init__()
        norm = NoEpsFrozenBN if frozen_bn else nn.BatchNorm2d
        self.backbone = ResNetBody(blocks, caffe=False, norm=norm)

    def forward(self, x: Tensor) -> Tensor:
        return self.backbone(x)[1]


class FadaClassifier(Classifier):
    """FADA's ASPP classifier, resized with ``align_corners=True``."""

    def __init__(self, num_classes: int = 19) -> None:
        super().__init__(2048, num_classes, summed=4)

    def forward(self, x: Tensor, size=None) -> Tensor:
        out = super().forward(x)
        if size is not None:
            out = F.interpolate(
                out, size=size, mode='bilinear', align_corners=True)
        return out


class PixelDiscriminator(nn.Module):
    """FADA's discriminator: ``D`` then ``cls1`` (source) / ``cls2``."""

    def __init__(self,
                 in_ch: int = 2048,
                 ndf: int = 256,
                 num_classes: int = 19) -> None:
        super().__init__()
        self.D = nn.Sequential(
            nn.Conv2d(in_ch, ndf, 3, 1, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(ndf, ndf // 2, 3, 1, 1), nn.LeakyReLU(0.2))
        self.cls1 = nn.Conv2d(ndf // 2, num_classes, 3, 1, 1)
        self.cls2 = nn.Conv2d(ndf // 2, num_classes, 3, 1, 1)

    def forward(self, x: Tensor, size=None) -> Tensor:
        out = self.D(x)
        out = torch.cat([self.cls1(out), self.cls2(out)], dim=1)
        if size is not None:
            out = F.interpolate(
                out, size=size, mode='bilinear', align_corners=True)
        return out


def randomize(module: nn.Module, seed: int = 0) -> nn.Module:
    """Random weights and BN statistics that keep activations moderate."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in module.state_dict().items():
            if not tensor.is_floating_point():
                continue
            shape = tensor.shape
            if name.endswith('running_var'):
                value = 0.5 + 1.5 * torch.rand(shape, generator=gen)
            elif name.endswith('running_mean'):
                value = 0.1 * torch.randn(shape, generator=gen)
            elif tensor.dim() == 1 and name.endswith('weight'):  # BN scale
                value = 0.2 + 0.4 * torch.rand(shape, generator=gen)
            elif tensor.dim() == 1:  # biases
                value = 0.05 * torch.randn(shape, generator=gen)
            else:  # conv weights, He-scaled
                fan_in = shape[1] * shape[2] * shape[3]
                value = torch.randn(shape, generator=gen) * (2. / fan_in)**0.5
            tensor.copy_(value)
    return module


def official_state_dict(module: nn.Module,
                        prefix: str = '') -> Dict[str, Tensor]:
    """The module's tensors under ``prefix`` (``Scale.``, ``module.``),
    without ``num_batches_tracked`` as in the PyTorch 0.3 era files."""
    return {
        prefix + k: v.clone()
        for k, v in module.state_dict().items()
        if not k.endswith('num_batches_tracked')
    }


def caffe_input(image_bgr: Tensor) -> Tensor:
    """AdaptSegNet / BDL: BGR float minus the caffe mean, no std."""
    mean = torch.tensor(CAFFE_MEAN).view(1, 3, 1, 1)
    return image_bgr.float().unsqueeze(0) - mean


def imagenet_input(image_bgr: Tensor) -> Tensor:
    """FADA: RGB in [0, 1] normalised with the ImageNet mean / std."""
    rgb = image_bgr.flip(0).float().unsqueeze(0) / 255.
    mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return (rgb - mean) / std


def upsample(logits: Tensor,
             size: Tuple[int, int],
             align_corners: Optional[bool] = True) -> Tensor:
    return F.interpolate(
        logits, size=size, mode='bilinear', align_corners=align_corners)
