"""Perceptual loss of a frozen VGG19 (pix2pixHD; LDR Eq. 5, first term)."""
from typing import List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor

from ..utils import VGG19Features, load_vgg19, set_requires_grad
from ..utils.amp import float32_loss

#: ImageNet statistics of the VGG's RGB inputs in [0, 255].
IMAGENET_MEAN = (123.675, 116.28, 103.53)
IMAGENET_STD = (58.395, 57.12, 57.375)


@MODELS.register_module()
class VGGPerceptualLoss(BaseModule):
    """``sum_m w_m ||V^(m)(fake) - V^(m)(real)||_1`` with V a frozen VGG19.

    LDR (Yang et al., ECCV 2020) Eq. 5 takes V from Johnson et al.; the
    layers and weights are pix2pixHD's ``VGGLoss``: ``relu1_1`` ..
    ``relu5_1`` weighted 1/32, 1/16, 1/8, 1/4, 1, each L1 averaged over its
    elements. The real image's features are targets (no gradient).

    The VGG is kept out of the module tree, like the frozen segmentor of
    :class:`CycleGANTranslator`: it has no optimizer, no DDP wrapper, is not
    saved in checkpoints (``init_weights`` loads it again) and stays frozen;
    ``.to()`` / ``.cuda()`` move it with the loss.

    Args:
        pretrained (str, optional): Local path of ImageNet VGG19 weights
            (mmpretrain's or torchvision's, see :func:`load_vgg19`); a
            missing file stops with a message saying how to get it. None
            builds a VGG with fixed random weights (seeded by
            ``random_seed``, the same on every rank): for the toy benchmark
            and tests, which have no ImageNet weights. Default:
            ``'checkpoints/vgg19_imagenet.pth'``.
        layer_weights (Sequence[float]): Weight of ``relu{k}_1``, k = 1..;
            fewer than 5 truncates the VGG. Default: pix2pixHD's.
        base_channels (int): VGG width (64 = VGG19); other values only with
            random weights (toy runs). Default: 64.
        imagenet_normalization (bool): Map the images from [-1, 1] to the
            ImageNet normalisation the VGG was trained with; False feeds
            them as they are (pix2pixHD). Default: True.
        random_seed (int): Seed of the random weights. Default: 0.
        loss_weight (float): Multiplier of the loss. Default: 1.0.
    """

    def __init__(self,
                 pretrained: Optional[str] = 'checkpoints/vgg19_imagenet.pth',
                 layer_weights: Sequence[float] = (1 / 32, 1 / 16, 1 / 8,
                                                   1 / 4, 1.),
                 base_channels: int = 64,
                 imagenet_normalization: bool = True,
                 random_seed: int = 0,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if pretrained and base_channels != 64:
            raise ValueError(
                'VGGPerceptualLoss: ImageNet VGG19 weights need '
                f'base_channels=64, got {base_channels}; narrower VGGs are '
                'for random weights (pretrained=None) only.')
        self.pretrained = pretrained
        self.layer_weights = tuple(float(w) for w in layer_weights)
        self.imagenet_normalization = imagenet_normalization
        self.random_seed = random_seed
        self.loss_weight = loss_weight
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(random_seed)
            vgg = VGG19Features(len(self.layer_weights), base_channels)
        vgg.eval()
        set_requires_grad(vgg, False)
        # A plain attribute, not a child: see the class docstring.
        self.__dict__['vgg'] = vgg
        mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
        std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
        # [-1, 1] -> (255 * (x + 1) / 2 - mean) / std = x * scale + shift
        self.register_buffer('scale', 127.5 / std, persistent=False)
        self.register_buffer(
            'shift', (127.5 - mean) / std, persistent=False)

    def init_weights(self) -> None:
        """Load the ImageNet weights (random weights stay as built)."""
        super().init_weights()
        if self.pretrained:
            load_vgg19(self.vgg, self.pretrained)

    def _apply(self, fn, recurse: bool = True):
        # Move/cast the VGG with the loss although it is not a child.
        super()._apply(fn, recurse)
        self.vgg._apply(fn)
        return self

    def train(self, mode: bool = True):
        super().train(mode)
        self.vgg.eval()
        return self

    def features(self, images: Tensor) -> List[Tensor]:
        """The tapped VGG maps of RGB images in [-1, 1]."""
        if self.imagenet_normalization:
            images = images * self.scale + self.shift
        return self.vgg(images)

    def forward(self, fake: Tensor, real: Tensor) -> Tensor:
        """The loss of reconstructed images ``fake`` against ``real``.

        Both are RGB images in [-1, 1] (N, 3, H, W); the VGG runs under the
        caller's autocast, the distances in float32.
        """
        fake_features = self.features(fake)
        with torch.no_grad():
            real_features = self.features(real)
        return self.distance(fake_features, real_features)

    @float32_loss
    def distance(self, fake_features: List[Tensor],
                 real_features: List[Tensor]) -> Tensor:
        """Weighted L1 distances of the feature maps (float32)."""
        loss = 0.
        for weight, fake, real in zip(self.layer_weights, fake_features,
                                      real_features):
            loss = loss + weight * F.l1_loss(fake, real)
        return self.loss_weight * loss
