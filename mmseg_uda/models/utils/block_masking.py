"""Random block masking of target images for MIC.

MIC (Hoyer et al., "MIC: Masked Image Consistency for Context-Enhanced
Domain Adaptation", CVPR 2023; official code lhoyer/MIC,
``seg/mmseg/models/utils/masking_transforms.py`` and
``seg/mmseg/models/uda/masking_consistency_module.py``) trains the student
on colour-augmented target images of which random square blocks are
blanked out, against the teacher's pseudo labels of the complete image.
"""
import math
from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmseg.registry import MODELS
from torch import Tensor

from .strong_augment import augment_inputs

_DEFAULT_COLOR_JITTER = dict(strength=0.2, prob=0.8)
_DEFAULT_BLUR = dict(prob=0.5, sigma_range=(0.15, 1.15))


def _check_block_size(block_size: int) -> None:
    if isinstance(block_size, bool) or not isinstance(block_size, int) \
            or block_size <= 0:
        raise ValueError(
            f'block_size must be a positive integer, got {block_size!r}.')


def _check_mask_ratio(mask_ratio: float) -> None:
    if not 0. <= mask_ratio < 1.:
        raise ValueError(f'mask_ratio must be in [0, 1), got {mask_ratio}.')


def block_mask(shape: Sequence[int],
               block_size: int,
               mask_ratio: float,
               generator: Optional[torch.Generator] = None,
               device: Optional[torch.device] = None) -> Tensor:
    """A random mask of square blocks, 1 where pixels are kept.

    The image is tiled by a grid of ``ceil(H / block_size) x ceil(W /
    block_size)`` cells starting at the top-left corner (the last row and
    column are cropped to the image); each cell is masked independently
    with probability ``mask_ratio``. As in MIC, a cell is kept where
    ``U[0, 1) > mask_ratio``.

    Args:
        shape (sequence of int): ``(N, H, W)`` or ``(N, C, H, W)`` of the
            images to mask; C is ignored.
        block_size (int): Side of a block in pixels.
        mask_ratio (float): Probability of masking a block, in [0, 1).
        generator (torch.Generator, optional): Source of randomness; the
            cells are drawn on its device.
        device (torch.device, optional): Device of the returned mask.
            Defaults to the generator's device, else the CPU.

    Returns:
        Tensor: Float mask (N, 1, H, W) of ones (kept) and zeros (masked).
    """
    _check_block_size(block_size)
    _check_mask_ratio(mask_ratio)
    if len(shape) not in (3, 4):
        raise ValueError('shape must be (N, H, W) or (N, C, H, W), got '
                         f'{tuple(shape)}.')
    num, height, width = shape[0], shape[-2], shape[-1]
    grid = (num, 1, math.ceil(height / block_size),
            math.ceil(width / block_size))
    draw_device = generator.device if generator is not None else device
    cells = torch.rand(grid, generator=generator, device=draw_device)
    keep = (cells > mask_ratio).float()
    keep = keep.repeat_interleave(block_size, dim=2)
    keep = keep.repeat_interleave(block_size, dim=3)
    keep = keep[:, :, :height, :width].contiguous()
    return keep if device is None else keep.to(device)


@MODELS.register_module()
class MaskedImageConsistency(nn.Module):
    """MIC's masked target images and the weight of their loss.

    :meth:`masked_inputs` colour-augments the (normalised) target inputs
    in [0, 1] RGB image space (:func:`color_jitter`, then
    :func:`gaussian_blur`), renormalises them and multiplies them by a
    :func:`block_mask`, so masked pixels become 0 in normalised space,
    i.e. the preprocessor's mean colour, as in the official code. The UDA
    model trains the student on the result with the pixel-weighted
    cross-entropy of the teacher's pseudo labels of the un-masked images
    and scales it by ``loss_weight``.

    Args:
        block_size (int): Side of a mask block in pixels. Default: 64 (MIC
            at full resolution, 1024x1024 crops; 32 for 512x512 crops).
        mask_ratio (float): Probability of masking a block, in [0, 1).
            Default: 0.7.
        loss_weight (float): lambda_M, factor on the masked loss.
            Default: 1.0.
        color_jitter (dict, optional): Keyword arguments of
            :func:`color_jitter`; None to skip it.
            Default: ``dict(strength=0.2, prob=0.8)``.
        blur (dict, optional): Keyword arguments of :func:`gaussian_blur`;
            None to skip it.
            Default: ``dict(prob=0.5, sigma_range=(0.15, 1.15))``.
    """

    def __init__(self,
                 block_size: int = 64,
                 mask_ratio: float = 0.7,
                 loss_weight: float = 1.0,
                 color_jitter: Optional[dict] = _DEFAULT_COLOR_JITTER,
                 blur: Optional[dict] = _DEFAULT_BLUR) -> None:
        super().__init__()
        _check_block_size(block_size)
        _check_mask_ratio(mask_ratio)
        if not loss_weight >= 0.:
            raise ValueError(
                f'loss_weight must be non-negative, got {loss_weight}.')
        for name, cfg in (('color_jitter', color_jitter), ('blur', blur)):
            if cfg is not None and not isinstance(cfg, dict):
                raise ValueError(
                    f'{name} must be a dict or None, got {cfg!r}.')
        self.block_size = block_size
        self.mask_ratio = mask_ratio
        self.loss_weight = loss_weight
        self.color_jitter = None if color_jitter is None else dict(
            color_jitter)
        self.blur = None if blur is None else dict(blur)

    def extra_repr(self) -> str:
        return (f'block_size={self.block_size}, '
                f'mask_ratio={self.mask_ratio}, '
                f'loss_weight={self.loss_weight}')

    def augment(self,
                inputs: Tensor,
                data_preprocessor: nn.Module,
                generator: Optional[torch.Generator] = None) -> Tensor:
        """Colour jitter and blur of normalised inputs, in image space."""
        return augment_inputs(inputs, data_preprocessor, self.color_jitter,
                              self.blur, generator)

    @torch.no_grad()
    def masked_inputs(self,
                      inputs: Tensor,
                      data_preprocessor,
                      generator: Optional[torch.Generator] = None) -> Tensor:
        """Augmented, block-masked copies of preprocessed target inputs.

        Args:
            inputs (Tensor): Normalised target inputs (N, 3, H, W).
            data_preprocessor: The preprocessor that normalised them (see
                :func:`pixel_normalisation`).
            generator (torch.Generator, optional): Source of randomness of
                the augmentation and the mask (a CPU generator when
                augmenting).

        Returns:
            Tensor: The masked inputs, same shape, dtype and device; masked
            pixels are 0.
        """
        if inputs.dim() != 4 or inputs.shape[1] != 3:
            raise ValueError('inputs must be (N, 3, H, W), got shape '
                             f'{tuple(inputs.shape)}.')
        augmented = self.augment(inputs, data_preprocessor, generator)
        mask = block_mask(
            inputs.shape,
            self.block_size,
            self.mask_ratio,
            generator=generator,
            device=inputs.device)
        return augmented * mask.to(augmented.dtype)
