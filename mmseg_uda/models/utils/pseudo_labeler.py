"""Hard pseudo labels of a teacher with a confidence-based quality weight."""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from mmseg.registry import MODELS
from torch import Tensor

#: What the quality weight is the share of confident pixels of.
QUALITY_OVER = ('batch', 'image')


@MODELS.register_module()
class QualityPseudoLabeler(nn.Module):
    """Argmax pseudo labels weighted by the share of confident pixels.

    DACS (Tranheden et al., WACV 2021) and DAFormer (Hoyer et al., CVPR
    2022): the label of a target pixel is the argmax of the teacher's
    softmax; every pseudo-labelled pixel gets the weight
    ``q = |{p : max_c softmax(p)_c > tau}| / |pixels|``. Both official
    codes count over the whole target batch (one q for all its images,
    ``quality_over='batch'``); ``'image'`` gives each image its own q.

    Args:
        threshold (float): Confidence threshold tau. Default: 0.968.
        quality_over (str): ``'batch'`` or ``'image'``. Default: 'batch'.
    """

    def __init__(self,
                 threshold: float = 0.968,
                 quality_over: str = 'batch') -> None:
        super().__init__()
        if not 0. <= threshold <= 1.:
            raise ValueError(f'threshold must be in [0, 1], got {threshold}.')
        if quality_over not in QUALITY_OVER:
            raise ValueError(f'quality_over must be one of {QUALITY_OVER}, '
                             f'got {quality_over!r}.')
        self.threshold = threshold
        self.quality_over = quality_over

    @torch.no_grad()
    def confident_labels(self, logits: Tensor) -> Tuple[Tensor, Tensor]:
        """Argmax labels (N, H, W) and where the max softmax reaches the
        threshold (N, H, W) bool, as the official codes (``>=``)."""
        confidence, labels = torch.softmax(
            logits.detach().float(), dim=1).max(dim=1)
        return labels, confidence >= self.threshold

    @torch.no_grad()
    def forward(
            self,
            logits: Tensor,
            valid: Optional[Tensor] = None) -> Tuple[Tensor, Tensor, Tensor]:
        """Labels, pixel weights and quality of a batch of logits.

        Args:
            logits (Tensor): Teacher logits, (N, C, H, W).
            valid (Tensor, optional): Boolean (N, H, W), False on pixels
                that are no part of the image (padding): they get weight 0
                and are not counted. Default: all pixels.

        Returns:
            tuple: ``labels`` (N, H, W) long, ``weights`` (N, H, W) float
            (q on valid pixels, 0 elsewhere) and ``quality`` (N, ) float.
        """
        if logits.dim() != 4:
            raise ValueError('logits must be (N, C, H, W), got shape '
                             f'{tuple(logits.shape)}.')
        labels, confident = self.confident_labels(logits)
        if valid is None:
            valid = torch.ones_like(labels, dtype=torch.bool)
        elif valid.shape != labels.shape:
            raise ValueError(f'valid has shape {tuple(valid.shape)}, the '
                             f'labels {tuple(labels.shape)}.')
        confident &= valid
        if self.quality_over == 'batch':
            quality = confident.sum() / valid.sum().clamp(min=1)
            quality = quality.expand(labels.shape[0])
        else:
            quality = confident.flatten(1).sum(1) / valid.flatten(1).sum(
                1).clamp(min=1)
        weights = quality.view(-1, 1, 1) * valid
        return labels, weights, quality
