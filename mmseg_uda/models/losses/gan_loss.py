"""Adversarial losses for domain discriminators."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

from ..utils.amp import float32_loss


@MODELS.register_module()
class GANLoss(nn.Module):
    """Vanilla (BCE-with-logits) or least-squares GAN loss.

    Args:
        gan_type (str): ``'vanilla'`` (AdaptSegNet's ``--gan Vanilla``) or
            ``'lsgan'`` (mean squared error, ``--gan LS``).
        loss_weight (float): Multiplier of the loss. Default: 1.0.
    """

    def __init__(self, gan_type: str = 'vanilla', loss_weight: float = 1.0):
        super().__init__()
        if gan_type not in ('vanilla', 'lsgan'):
            raise ValueError(f'gan_type must be "vanilla" or "lsgan", got '
                             f'{gan_type!r}.')
        self.gan_type = gan_type
        self.loss_weight = loss_weight

    @float32_loss
    def forward(self, pred: Tensor, target_label: float) -> Tensor:
        """Mean loss of discriminator logits against a constant label.

        Computed in float32 (also under autocast).
        """
        target = torch.full_like(pred, float(target_label))
        if self.gan_type == 'vanilla':
            loss = F.binary_cross_entropy_with_logits(pred, target)
        else:
            loss = F.mse_loss(pred, target)
        return self.loss_weight * loss
