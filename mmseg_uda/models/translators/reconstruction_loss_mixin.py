"""pix2pixHD's losses of a label-to-image network (LDR's M and D_1..3)."""
from typing import Dict, Optional

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


class ReconstructionLossMixin:
    """Reconstruct images from label maps and judge them, pix2pixHD's way.

    For models with the children ``reconstructor`` (M: label map (N, C, H,
    W) -> RGB image in [-1, 1]) and ``recon_discriminator``
    (:class:`MultiScalePatchDiscriminator` on the concatenation [label
    map, image], C + 3 channels), built by :meth:`build_reconstruction`:
    :class:`LabelReconstructor` (LDR's pre-training of M) and :class:`LDR`.

    Per step, for a label map ``cond`` and its real image:
    :meth:`reconstruct_and_judge` runs M once and the discriminators once
    on the real pair (trainable: that output also serves their own step)
    and once on the fake pair (frozen); :meth:`reconstruction_losses` gives
    M's (and, through ``cond``, the segmentor's) terms of LDR Eq. 4-5:
    the GAN loss of the fake pair against the real label summed over the
    discriminators, the feature matching against the real pair's features
    and the VGG perceptual loss; :meth:`recon_discriminator_loss` the
    discriminators' own ``0.5 * sum_k [GAN(real, 1) + GAN(fake, 0)]`` with
    a detached fake (one more pass). The real pair is conditioned on the
    detached label map: the real term of Eq. 4 sends no gradient to the
    segmentor.
    """

    def build_reconstruction(self, num_classes: int, reconstructor: ConfigType,
                             recon_discriminator: ConfigType,
                             recon_gan_loss: ConfigType,
                             feature_matching_loss: ConfigType,
                             perceptual_loss: OptConfigType) -> None:
        """Build M, the discriminators and the losses; check the channels.
        """
        self.reconstructor = MODELS.build(reconstructor)
        self.recon_discriminator = MODELS.build(recon_discriminator)
        for name, expected in (('reconstructor', num_classes),
                               ('recon_discriminator', num_classes + 3)):
            channels = _first_conv_channels(getattr(self, name))
            if channels is not None and channels != expected:
                raise ValueError(
                    f'{type(self).__name__}: {name} takes {channels} input '
                    f'channels, but its input has {expected} (the label map '
                    f'of {num_classes} classes' +
                    (' and the RGB image' if expected > num_classes else '') +
                    f'); set its in_channels to {expected}.')
        self.recon_gan_loss = MODELS.build(recon_gan_loss)
        self.feature_matching_loss = MODELS.build(feature_matching_loss)
        self.perceptual_loss = (
            MODELS.build(perceptual_loss) if perceptual_loss else None)

    def reconstruct_and_judge(self, cond: Tensor,
                              real: Tensor) -> Dict[str, object]:
        """M(cond) and the discriminators' outputs on both pairs.

        Call it inside the optimizer contexts of both children.

        Args:
            cond (Tensor): Label map (N, C, H, W).
            real (Tensor): The real image (N, 3, H, W), RGB in [-1, 1].

        Returns:
            dict: ``cond``, ``real``, ``fake`` (the reconstruction),
            ``real_out`` (with a graph to the discriminators' weights) and
            ``fake_out`` (frozen discriminators), each a list of
            ``(features, logits)`` per scale.
        """
        fake = self.reconstructor(cond)
        set_requires_grad(self.recon_discriminator, True)
        real_out = self.recon_discriminator(
            torch.cat([cond.detach(), real], dim=1))
        set_requires_grad(self.recon_discriminator, False)
        fake_out = self.recon_discriminator(torch.cat([cond, fake], dim=1))
        return dict(
            cond=cond,
            real=real,
            fake=fake,
            real_out=real_out,
            fake_out=fake_out)

    def reconstruction_losses(self, rec: dict) -> Dict[str, Tensor]:
        """Unweighted ``loss_gan``, ``loss_fm`` and ``loss_vgg`` of M."""
        losses = dict(
            loss_gan=sum(
                self.recon_gan_loss(logits, 1.0)
                for _, logits in rec['fake_out']),
            loss_fm=self.feature_matching_loss(
                [features for features, _ in rec['fake_out']],
                [features for features, _ in rec['real_out']]))
        if self.perceptual_loss is not None:
            losses['loss_vgg'] = self.perceptual_loss(rec['fake'], rec['real'])
        return losses

    def recon_discriminator_loss(self, rec: dict) -> Tensor:
        """The discriminators' loss; call it in their optimizer context."""
        set_requires_grad(self.recon_discriminator, True)
        fake_out = self.recon_discriminator(
            torch.cat([rec['cond'].detach(), rec['fake'].detach()], dim=1))
        return 0.5 * sum(
            self.recon_gan_loss(real_logits, 1.0) +
            self.recon_gan_loss(fake_logits, 0.0)
            for (_, real_logits), (_, fake_logits) in zip(
                rec['real_out'], fake_out))
