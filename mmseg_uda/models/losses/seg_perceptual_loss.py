"""BDL's perceptual loss measured by a frozen segmentation model."""
from typing import Dict

import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

from ..utils.amp import float32_loss


@MODELS.register_module()
class SegPerceptualLoss(nn.Module):
    """Keep a translation semantically consistent with its input.

    Li et al., "Bidirectional Learning for Domain Adaptation of Semantic
    Segmentation", CVPR 2019, Sec. 3.3 (used in Eq. 2): with ``M`` the
    segmentation model,

    ``lambda_per * d(M(I), M(F(I))) + lambda_per_recon * d(M(I),
    M(F^-1(F(I))))``

    for an image ``I``, its translation and its cycle reconstruction.
    The paper takes ``d`` as the L1 distance of the outputs (the default);
    the official code compares instance-normalised outputs with the mean
    squared error (``criterion='mse', instance_norm=True``).

    Args:
        translation_weight (float): ``lambda_per``. Default: 0.1.
        reconstruction_weight (float): ``lambda_per_recon``. Default: 10.
        criterion (str): ``'l1'`` (paper) or ``'mse'`` (official code), both
            averaged over all elements. Default: 'l1'.
        instance_norm (bool): Normalise every channel of every output to
            zero mean and unit variance over its pixels before comparing
            (official code). Default: False.
    """

    def __init__(self,
                 translation_weight: float = 0.1,
                 reconstruction_weight: float = 10.0,
                 criterion: str = 'l1',
                 instance_norm: bool = False) -> None:
        super().__init__()
        if criterion not in ('l1', 'mse'):
            raise ValueError(
                f'criterion must be "l1" or "mse", got {criterion!r}.')
        self.translation_weight = translation_weight
        self.reconstruction_weight = reconstruction_weight
        self.criterion = criterion
        self.instance_norm = instance_norm

    def distance(self, pred: Tensor, target: Tensor) -> Tensor:
        """Mean distance of two segmentation outputs (N, C, H, W)."""
        if self.instance_norm:
            pred, target = F.instance_norm(pred), F.instance_norm(target)
        if self.criterion == 'l1':
            return F.l1_loss(pred, target)
        return F.mse_loss(pred, target)

    @float32_loss
    def forward(self, real: Tensor, translated: Tensor,
                reconstructed: Tensor) -> Dict[str, Tensor]:
        """Weighted terms ``translation`` and ``reconstruction`` (float32).

        Args:
            real (Tensor): Outputs of the segmentation model on the images.
            translated (Tensor): Outputs on their translations.
            reconstructed (Tensor): Outputs on their reconstructions.
        """
        return dict(
            translation=self.translation_weight *
            self.distance(translated, real),
            reconstruction=self.reconstruction_weight *
            self.distance(reconstructed, real))
