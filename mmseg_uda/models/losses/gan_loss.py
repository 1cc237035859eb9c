"""Adversarial losses for domain discriminators."""
from typing import Optional

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
    def forward(self,
                pred: Tensor,
                target_label: float,
                weight: Optional[Tensor] = None) -> Tensor:
        """Mean loss of discriminator logits against a constant label.

        Args:
            pred (Tensor): Discriminator logits, e.g. (N, 1, H, W).
            target_label (float): The label every logit is compared with.
            weight (Tensor, optional): Per-element weights broadcastable to
                ``pred`` (e.g. CLAN's and CIRN's per-pixel
                ``epsilon + lambda_cos * R``, (N, 1, H, W)); the loss is
                then the mean of ``weight * loss`` over all elements.

        Computed in float32 (also under autocast).
        """
        if weight is not None and torch.broadcast_shapes(
                pred.shape, weight.shape) != pred.shape:
            raise ValueError(
                f'GANLoss: weight of shape {tuple(weight.shape)} does not '
                f'broadcast to the logits of shape {tuple(pred.shape)}.')
        target = torch.full_like(pred, float(target_label))
        if self.gan_type == 'vanilla':
            loss = F.binary_cross_entropy_with_logits(
                pred, target, reduction='none')
        else:
            loss = F.mse_loss(pred, target, reduction='none')
        if weight is not None:
            loss = weight * loss
        return self.loss_weight * loss.mean()

    @torch.no_grad()
    def accuracy(self, pred: Tensor, label: float,
                 other_label: float) -> Tensor:
        """Share of discriminator outputs on the side of ``label``.

        An output counts as right when it is nearer ``label`` than
        ``other_label``: its sigmoid for ``'vanilla'`` (with labels 1 / 0:
        logit > 0), the raw output for ``'lsgan'``. A diagnostic: 1 means
        the discriminator tells this domain apart, 0.5 on both domains that
        it cannot.

        Args:
            pred (Tensor): Discriminator outputs of one domain.
            label (float): That domain's label.
            other_label (float): The other domain's label.

        Returns:
            Tensor: Scalar float32 accuracy in [0, 1] (no gradient).
        """
        out = pred.detach().float()
        if self.gan_type == 'vanilla':
            out = out.sigmoid()
        right = (out - label).abs() < (out - other_label).abs()
        return right.float().mean()
