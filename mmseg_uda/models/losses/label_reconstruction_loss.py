"""pix2pixHD's losses of a label-to-image network (LDR's M and D_1..3)."""
from typing import Callable, Dict, Optional

import torch
import torch.nn as nn
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType
from torch import Tensor

from ..utils import set_requires_grad


def _first_conv_channels(module: nn.Module) -> Optional[int]:
    """Input channels of the first conv of ``module`` (None without one)."""
    for layer in module.modules():
        if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
            return layer.in_channels
    return None


@MODELS.register_module()
class LabelReconstructionLoss(nn.Module):
    """Reconstruct images from label maps and judge them, pix2pixHD's way.

    The networks are not part of this module: the model that trains them
    (:class:`LabelReconstructor`, LDR's pre-training of M, and
    :class:`LDR`) holds them as its own children ``reconstructor`` (M:
    label map (N, C, H, W) -> RGB image in [-1, 1]) and
    ``recon_discriminator`` (:class:`MultiScalePatchDiscriminator` on
    [label map, image], C + 3 channels), each with its optimizer and DDP
    wrapper, and passes them to the methods below.

    Per step, for a label map ``cond`` and its real image: :meth:`judge`
    runs M once and the discriminators once on the real pair (trainable:
    that output also serves their own step) and once on the fake pair
    (frozen); :meth:`generator_terms` gives M's (and, through ``cond``, the
    segmentor's) terms of LDR Eq. 4-5: the GAN loss of the fake pair
    against the real label summed over the discriminators, the feature
    matching against the real pair's features and the VGG perceptual loss;
    :meth:`discriminator_loss` the discriminators' own ``0.5 * sum_k
    [GAN(real, 1) + GAN(fake, 0)]`` with a detached fake (one more pass).
    The real pair is conditioned on the detached label map: the real term
    of Eq. 4 sends no gradient to the segmentor.

    Args:
        gan_loss (dict): GAN loss of M and D_k. Default: LS-GAN
            (pix2pixHD).
        feature_matching_loss (dict): Eq. 5's discriminator term.
        perceptual_loss (dict, optional): Eq. 5's VGG19 term; None leaves
            it out.
    """

    def __init__(
        self,
        gan_loss: ConfigType = dict(type='GANLoss', gan_type='lsgan'),
        feature_matching_loss: ConfigType = dict(type='FeatureMatchingLoss'),
        perceptual_loss: OptConfigType = dict(type='VGGPerceptualLoss')
    ) -> None:
        super().__init__()
        self.gan_loss = MODELS.build(gan_loss)
        self.feature_matching_loss = MODELS.build(feature_matching_loss)
        self.perceptual_loss = (
            MODELS.build(perceptual_loss) if perceptual_loss else None)

    @staticmethod
    def check_channels(owner: str, reconstructor: nn.Module,
                       recon_discriminator: nn.Module,
                       num_classes: int) -> None:
        """Raise a clear error unless M takes C and D_k C + 3 channels."""
        for name, module, expected in (('reconstructor', reconstructor,
                                        num_classes),
                                       ('recon_discriminator',
                                        recon_discriminator, num_classes + 3)):
            channels = _first_conv_channels(module)
            if channels is not None and channels != expected:
                raise ValueError(
                    f'{owner}: {name} takes {channels} input channels, but '
                    f'its input has {expected} (the label map of '
                    f'{num_classes} classes' +
                    (' and the RGB image' if expected > num_classes else '') +
                    f'); set its in_channels to {expected}.')

    def judge(self, reconstructor: Callable, discriminator: nn.Module,
              cond: Tensor, real: Tensor) -> Dict[str, object]:
        """M(cond) and the discriminators' outputs on both pairs.

        Call it inside the optimizer contexts of both networks.

        Args:
            reconstructor (nn.Module): M (its DDP wrapper when training).
            discriminator (nn.Module): D_1..3 (likewise).
            cond (Tensor): Label map (N, C, H, W).
            real (Tensor): The real image (N, 3, H, W), RGB in [-1, 1].

        Returns:
            dict: ``cond``, ``real``, ``fake`` (the reconstruction),
            ``real_out`` (with a graph to the discriminators' weights) and
            ``fake_out`` (frozen discriminators), each a list of
            ``(features, logits)`` per scale.
        """
        fake = reconstructor(cond)
        set_requires_grad(discriminator, True)
        real_out = discriminator(torch.cat([cond.detach(), real], dim=1))
        set_requires_grad(discriminator, False)
        fake_out = discriminator(torch.cat([cond, fake], dim=1))
        return dict(
            cond=cond,
            real=real,
            fake=fake,
            real_out=real_out,
            fake_out=fake_out)

    def generator_terms(self, rec: dict) -> Dict[str, Tensor]:
        """Unweighted ``loss_gan``, ``loss_fm`` and ``loss_vgg`` of M."""
        losses = dict(
            loss_gan=sum(
                self.gan_loss(logits, 1.0) for _, logits in rec['fake_out']),
            loss_fm=self.feature_matching_loss(
                [features for features, _ in rec['fake_out']],
                [features for features, _ in rec['real_out']]))
        if self.perceptual_loss is not None:
            losses['loss_vgg'] = self.perceptual_loss(rec['fake'], rec['real'])
        return losses

    def discriminator_loss(self, discriminator: nn.Module,
                           rec: dict) -> Tensor:
        """The discriminators' loss; call it in their optimizer context."""
        set_requires_grad(discriminator, True)
        fake_out = discriminator(
            torch.cat([rec['cond'].detach(), rec['fake'].detach()], dim=1))
        return 0.5 * sum(
            self.gan_loss(real_logits, 1.0) + self.gan_loss(fake_logits, 0.0)
            for (_, real_logits),
            (_, fake_logits) in zip(rec['real_out'], fake_out))
