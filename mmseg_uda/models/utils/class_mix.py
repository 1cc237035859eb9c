"""ClassMix (Olsson et al., WACV 2021) as DACS uses it across domains."""
from typing import Optional

import torch
from torch import Tensor


def class_mix_masks(labels: Tensor,
                    ignore_index: int = 255,
                    generator: Optional[torch.Generator] = None) -> Tensor:
    """Per image, the pixels of half of the classes in its label.

    For each label map, ``ceil(n / 2)`` of its ``n`` classes (the ignore
    index is no class) are drawn at random without replacement; the mask
    is 1 where the label is one of them.

    Args:
        labels (Tensor): Source labels, (N, H, W) or (N, 1, H, W).
        ignore_index (int): The label of unlabelled pixels. Default: 255.
        generator (torch.Generator, optional): Source of randomness.

    Returns:
        Tensor: Float masks (N, H, W), 1 = source pixel.
    """
    if labels.dim() == 4 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.dim() != 3:
        raise ValueError('labels must be (N, H, W) or (N, 1, H, W), got '
                         f'shape {tuple(labels.shape)}.')
    masks = []
    for label in labels:
        classes = torch.unique(label)
        classes = classes[classes != ignore_index]
        num = (classes.numel() + 1) // 2
        order = torch.randperm(classes.numel(), generator=generator)
        chosen = classes[order[:num].to(classes.device)]
        masks.append(torch.isin(label, chosen))
    return torch.stack(masks).float()


def mix(mask: Tensor, source: Tensor, target: Tensor) -> Tensor:
    """``mask * source + (1 - mask) * target``, per image.

    Args:
        mask (Tensor): (N, H, W), 1 = take the source pixel.
        source (Tensor): (N, H, W) or (N, C, H, W).
        target (Tensor): Same shape as ``source``.

    Returns:
        Tensor: The mixed batch, with the dtype of ``source``.
    """
    if source.shape != target.shape:
        raise ValueError(
            f'Cannot mix a source of shape {tuple(source.shape)} with a '
            f'target of shape {tuple(target.shape)}: crop both domains to '
            'the same size.')
    if mask.shape != source.shape[:1] + source.shape[-2:]:
        raise ValueError(f'mask has shape {tuple(mask.shape)}, the images '
                         f'{tuple(source.shape)}.')
    if source.dim() == 4:
        mask = mask[:, None]
    keep = mask.bool()
    return torch.where(keep, source, target.to(source.dtype))
