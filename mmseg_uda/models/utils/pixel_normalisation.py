"""How a data preprocessor normalises the pixels it hands to a model."""
from typing import Tuple

import torch
from torch import Tensor


def pixel_normalisation(preprocessor) -> Tuple[Tensor, Tensor, bool]:
    """``mean``, ``std`` (C, 1, 1) and the BGR->RGB flag of a preprocessor.

    A ``SegDataPreProcessor`` turns loaded (BGR) images into
    ``(image[flip] - mean) / std``; without normalisation mean is 0 and
    std 1.

    Args:
        preprocessor: A data preprocessor (``SegDataPreProcessor`` or any
            object with its ``_enable_normalize``, ``mean``, ``std`` and
            ``channel_conversion`` attributes).

    Returns:
        tuple: ``mean`` and ``std`` on the CPU, and whether the
        preprocessor converts BGR to RGB.
    """
    if getattr(preprocessor, '_enable_normalize', False):
        mean, std = preprocessor.mean, preprocessor.std
    else:
        mean, std = torch.zeros(3, 1, 1), torch.ones(3, 1, 1)
    flip = bool(getattr(preprocessor, 'channel_conversion', False))
    return mean.detach().cpu(), std.detach().cpu(), flip


def _check_channel_order(channel_order: str) -> None:
    if channel_order not in ('bgr', 'rgb'):
        raise ValueError(
            f"channel_order must be 'bgr' or 'rgb', got {channel_order!r}.")


def inputs_to_images(inputs: Tensor,
                     preprocessor,
                     channel_order: str = 'bgr',
                     dtype: torch.dtype = torch.uint8) -> Tensor:
    """Undo a preprocessor: its model inputs back to images.

    The inverse of :func:`images_to_inputs`: ``inputs * std + mean`` in the
    requested channel order.

    Args:
        inputs (Tensor): Preprocessed images, (C, H, W) or (N, C, H, W).
        preprocessor: The data preprocessor that made them (see
            :func:`pixel_normalisation`).
        channel_order (str): ``'bgr'`` (as ``LoadImageFromFile`` reads
            images) or ``'rgb'``. Defaults to ``'bgr'``.
        dtype (torch.dtype): ``torch.uint8``: pixels rounded and clamped to
            [0, 255]; a float type: pixels as computed (not clamped).
            Defaults to ``torch.uint8``.

    Returns:
        Tensor: The images, channel-first, on the device of ``inputs``.
    """
    _check_channel_order(channel_order)
    mean, std, rgb = pixel_normalisation(preprocessor)
    images = inputs.float() * std.to(inputs.device) + mean.to(inputs.device)
    if rgb != (channel_order == 'rgb'):
        images = images.flip(-3)
    if dtype == torch.uint8:
        return images.clamp(0, 255).round().to(torch.uint8)
    return images.to(dtype)


def images_to_inputs(images: Tensor,
                     preprocessor,
                     channel_order: str = 'bgr') -> Tensor:
    """Normalise images as ``preprocessor`` does (no padding, no batching).

    Args:
        images (Tensor): Pixels in [0, 255], (C, H, W) or (N, C, H, W).
        preprocessor: The data preprocessor of the model that gets them
            (see :func:`pixel_normalisation`).
        channel_order (str): The channel order of ``images``, ``'bgr'`` or
            ``'rgb'``. Defaults to ``'bgr'``.

    Returns:
        Tensor: Float model inputs on the device of ``images``.
    """
    _check_channel_order(channel_order)
    mean, std, rgb = pixel_normalisation(preprocessor)
    if rgb != (channel_order == 'rgb'):
        images = images.flip(-3)
    return (images.float() - mean.to(images.device)) / std.to(images.device)
