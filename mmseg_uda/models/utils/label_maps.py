"""Label maps: the input of LDR's label-to-image reconstruction network."""
from typing import Sequence

import torch
import torch.nn.functional as F
from mmseg.models.utils import resize
from torch import Tensor

from .amp import float32_loss


@float32_loss
def soft_label_map(logits: Tensor,
                   size: Sequence[int],
                   tau: float,
                   align_corners: bool = False) -> Tensor:
    """Boltzmann approximation of the one-hot predicted label map.

    LDR (Yang et al., ECCV 2020) Eq. 3: ``softmax(G(X) / tau)`` over the
    classes, with ``G(X)`` the logits at image size. The logits are
    upsampled bilinearly first, then divided by ``tau``: as ``tau -> 0``
    the map tends to the one-hot map of the upsampled prediction, and it
    stays differentiable, so gradients reach the segmentor.

    Computed in float32 with autocast off: logits / 0.001 overflow float16.

    Args:
        logits (Tensor): Segmentation logits (N, C, h, w).
        size (Sequence[int]): Image size (H, W) to upsample to.
        tau (float): Temperature (LDR: 0.001).
        align_corners (bool): ``align_corners`` of the upsampling (the
            head's). Default: False.

    Returns:
        Tensor: The label map (N, C, H, W), every pixel summing to 1.
    """
    if tau <= 0:
        raise ValueError(f'The temperature tau must be positive, got {tau}.')
    logits = resize(
        logits, size=tuple(size), mode='bilinear', align_corners=align_corners)
    return F.softmax(logits / tau, dim=1)


def one_hot_label_map(labels: Tensor,
                      num_classes: int,
                      ignore_index: int = 255) -> Tensor:
    """One-hot map of ground-truth labels; ignored pixels are all zero.

    Args:
        labels (Tensor): Class ids (N, 1, H, W) or (N, H, W).
        num_classes (int): Number of classes C.
        ignore_index (int): Label of ignored (and padded) pixels.
            Default: 255.

    Returns:
        Tensor: Float map (N, C, H, W).
    """
    if labels.dim() == 4:
        labels = labels.squeeze(1)
    labels = labels.long()
    valid = labels != ignore_index
    unknown = valid & ((labels < 0) | (labels >= num_classes))
    if unknown.any():
        raise ValueError(
            f'Labels {sorted(labels[unknown].unique().tolist())} are outside '
            f'0..{num_classes - 1} and are not the ignore index '
            f'{ignore_index}; check num_classes and the label mapping.')
    one_hot = F.one_hot(labels.where(valid, torch.zeros_like(labels)),
                        num_classes)
    one_hot = one_hot * valid.unsqueeze(-1)
    return one_hot.permute(0, 3, 1, 2).float()
