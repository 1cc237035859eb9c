"""Cosine distance between two classifiers' predictions, per pixel."""
import torch.nn.functional as F
from torch import Tensor


def cosine_distance_map(probs1: Tensor,
                        probs2: Tensor,
                        eps: float = 1e-8) -> Tensor:
    """``R = 1 - <p1, p2> / (||p1|| ||p2||)`` over the class channels.

    CLAN's (Luo et al., CVPR 2019) and CIRN's (Gao et al., AAAI 2021)
    discrepancy of two classifiers at every pixel: 0 where they predict the
    same distribution, 1 where their predictions share no class (for
    probabilities, which are non-negative, R lies in [0, 1]).

    Args:
        probs1 (Tensor): Class probabilities (N, C, H, W) of one classifier.
        probs2 (Tensor): Those of the other classifier, same shape.
        eps (float): Lower bound of each norm (avoids 0 / 0).

    Returns:
        Tensor: R of shape (N, 1, H, W).
    """
    if probs1.shape != probs2.shape:
        raise ValueError(
            f'cosine_distance_map: shapes differ, {tuple(probs1.shape)} vs '
            f'{tuple(probs2.shape)}.')
    return 1 - F.cosine_similarity(probs1, probs2, dim=1, eps=eps)[:, None]
