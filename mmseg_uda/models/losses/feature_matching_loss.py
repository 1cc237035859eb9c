"""Discriminator feature matching (pix2pixHD; LDR Eq. 5, second term)."""
from typing import Sequence

import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

from ..utils.amp import float32_loss


@MODELS.register_module()
class FeatureMatchingLoss(nn.Module):
    """L1 distance of discriminator features of fake and real pairs.

    ``sum_k sum_n w_k,n ||D_k^(n)(real) - D_k^(n)(fake)||_1`` over the
    discriminators k and their hidden layers n, each L1 averaged over its
    elements. The real features are targets (detached here). LDR's Eq. 5
    writes the plain sum; its losses are pix2pixHD's, whose weights are
    ``w = (1 / K) * (4 / N)`` for K discriminators with N features each (1/3
    per layer for 3 PatchGANs of 4 hidden blocks): ``pix2pixhd_weights=True``
    (the default), False for the plain sum.

    Args:
        pix2pixhd_weights (bool): pix2pixHD's per-layer weights instead of
            the plain sum. Default: True.
        loss_weight (float): Multiplier of the loss. Default: 1.0.
    """

    def __init__(self,
                 pix2pixhd_weights: bool = True,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.pix2pixhd_weights = pix2pixhd_weights
        self.loss_weight = loss_weight

    @float32_loss
    def forward(self, fake_features: Sequence[Sequence[Tensor]],
                real_features: Sequence[Sequence[Tensor]]) -> Tensor:
        """The loss (float32, also under autocast).

        Args:
            fake_features (list[list[Tensor]]): Per discriminator, its
                hidden features of the fake (reconstructed) pair.
            real_features (list[list[Tensor]]): The same for the real pair.
        """
        if len(fake_features) != len(real_features) or not fake_features:
            raise ValueError(
                f'FeatureMatchingLoss: {len(fake_features)} fake and '
                f'{len(real_features)} real feature lists; they must be as '
                'many as the discriminators (and at least one).')
        loss = 0.
        for fake, real in zip(fake_features, real_features):
            if len(fake) != len(real):
                raise ValueError('FeatureMatchingLoss: fake and real pairs '
                                 'went through different discriminators.')
            weight = (4. / (len(fake_features) * len(fake))
                      if self.pix2pixhd_weights else 1.)
            for fake_map, real_map in zip(fake, real):
                loss = loss + weight * F.l1_loss(fake_map, real_map.detach())
        return self.loss_weight * loss
