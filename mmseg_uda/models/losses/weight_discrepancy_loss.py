"""CLAN's weight-discrepancy loss between two classifiers."""
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class WeightDiscrepancyLoss(nn.Module):
    """``loss_weight * (cos(w1, w2) + 1)`` of two classifiers' weights.

    Luo et al., "Taking a Closer Look at Domain Shift: Category-level
    Adversaries for Semantics Consistent Domain Adaptation" (CLAN), CVPR
    2019, as its official code computes it: ``w1`` and ``w2`` are all
    weights and biases of each classifier flattened and concatenated; the
    ``+ 1`` keeps the loss non-negative. Minimising it pushes the two
    classifiers towards different (orthogonal, then opposite) parameters,
    i.e. different views of the same features. CIRN (Gao et al., AAAI
    2021) imposes it between its classifier C and the classifier inside the
    Ancillary Classifier Module.

    Args:
        loss_weight (float): Multiplier. CLAN's code uses
            ``2 * Lambda_weight = 2 * 0.01`` (times its damping, which the
            UDA model applies). Default: 1.0.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, params1: Sequence[Tensor],
                params2: Sequence[Tensor]) -> Tensor:
        """The loss of two parameter lists (same shapes, same order)."""
        shapes1 = [tuple(p.shape) for p in params1]
        shapes2 = [tuple(p.shape) for p in params2]
        if not shapes1 or shapes1 != shapes2:
            raise ValueError(
                'WeightDiscrepancyLoss compares two classifiers of the same '
                f'architecture; got parameter shapes {shapes1} and '
                f'{shapes2}.')
        w1 = torch.cat([p.flatten() for p in params1])
        w2 = torch.cat([p.flatten() for p in params2])
        return self.loss_weight * (F.cosine_similarity(w1, w2, dim=0) + 1)
