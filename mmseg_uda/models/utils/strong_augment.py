"""Batch-level photometric augmentation of DACS' mixed images.

Images are float tensors (N, 3, H, W) in RGB with values in [0, 1]. Every
image draws its own decision and factors; pass a seeded
``torch.Generator`` for reproducible draws. :func:`augment_inputs` applies
them to a model's normalised inputs.
"""
import math
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from .pixel_normalisation import images_to_inputs, inputs_to_images


def _uniform(num: int, low: float, high: float,
             generator: Optional[torch.Generator]) -> Tensor:
    return low + (high - low) * torch.rand(num, generator=generator)


def rgb_to_hsv(image: Tensor, eps: float = 1e-8) -> Tensor:
    """RGB in [0, 1] -> HSV, every channel in [0, 1] (hue in turns)."""
    red, green, blue = image.unbind(dim=-3)
    value, channel = image.max(dim=-3)
    delta = value - image.min(dim=-3).values
    saturation = torch.where(value > eps, delta / value.clamp(min=eps),
                             torch.zeros_like(value))
    safe = delta.clamp(min=eps)
    hue = torch.stack([((green - blue) / safe) % 6, (blue - red) / safe + 2,
                       (red - green) / safe + 4
                       ]).gather(0, channel[None]).squeeze(0)
    hue = torch.where(delta > eps, hue / 6, torch.zeros_like(hue))
    return torch.stack([hue, saturation, value], dim=-3)


def hsv_to_rgb(image: Tensor) -> Tensor:
    """HSV (hue in turns) -> RGB, the inverse of :func:`rgb_to_hsv`."""
    hue, saturation, value = image.unbind(dim=-3)
    hue6 = (hue % 1.) * 6
    sector = hue6.floor().long() % 6
    frac = hue6 - hue6.floor()
    low = value * (1 - saturation)
    falling = value * (1 - frac * saturation)
    rising = value * (1 - (1 - frac) * saturation)
    # (r, g, b) per hue sector 0..5
    table = [(value, rising, low), (falling, value, low), (low, value, rising),
             (low, falling, value), (rising, low, value),
             (value, low, falling)]
    channels = []
    for c in range(3):
        options = torch.stack([row[c] for row in table])
        channels.append(options.gather(0, sector[None]).squeeze(0))
    return torch.stack(channels, dim=-3)


def color_jitter(images: Tensor,
                 strength: float = 0.2,
                 prob: float = 0.8,
                 generator: Optional[torch.Generator] = None) -> Tensor:
    """Random brightness, contrast, saturation and hue, in random order.

    With probability ``prob`` per image, as kornia's ``ColorJitter(s, s, s,
    s)`` that DACS and DAFormer call: brightness adds b - 1 and contrast
    multiplies by c, for b, c ~ U[max(0, 1 - s), 1 + s]; saturation
    multiplies HSV's S by a factor drawn alike; hue shifts by h ~ U[-s, s]
    of a full turn. Values are clipped to [0, 1] after each change.

    Args:
        images (Tensor): (N, 3, H, W), RGB in [0, 1].
        strength (float): s. Default: 0.2.
        prob (float): Probability of jittering an image. Default: 0.8 (the
            official codes jitter when U[0, 1] > 0.2).
        generator (torch.Generator, optional): Source of randomness.

    Returns:
        Tensor: The jittered images.
    """
    if images.dim() != 4 or images.shape[1] != 3:
        raise ValueError('images must be (N, 3, H, W), got shape '
                         f'{tuple(images.shape)}.')
    num = images.shape[0]
    apply = torch.rand(num, generator=generator) < prob
    low = max(0., 1. - strength)
    factors = torch.stack([
        _uniform(num, low, 1. + strength, generator),
        _uniform(num, low, 1. + strength, generator),
        _uniform(num, low, 1. + strength, generator),
        _uniform(num, -strength, strength, generator)
    ],
                          dim=1).to(images)
    out = []
    for i, image in enumerate(images):
        if not apply[i]:
            out.append(image)
            continue
        bright, contrast, sat, hue = factors[i]
        for op in torch.randperm(4, generator=generator).tolist():
            if op == 0:
                image = (image + bright - 1).clamp(0, 1)
            elif op == 1:
                image = (image * contrast).clamp(0, 1)
            else:
                hsv = rgb_to_hsv(image)
                if op == 2:
                    hsv = torch.stack(
                        [hsv[0], (hsv[1] * sat).clamp(0, 1), hsv[2]])
                else:
                    hsv = torch.stack([(hsv[0] + hue) % 1., hsv[1], hsv[2]])
                image = hsv_to_rgb(hsv).clamp(0, 1)
        out.append(image)
    return torch.stack(out)


def blur_kernel_size(size: int, ratio: float = 0.1) -> int:
    """Odd kernel size near ``ratio`` of an image side (DACS' rule:
    ``ceil(ratio * size)``, minus 1 when even)."""
    kernel = math.ceil(ratio * size)
    return kernel if kernel % 2 else kernel - 1


def gaussian_kernel(kernel_size: int, sigma: float) -> Tensor:
    """A normalised 1-D Gaussian of odd length."""
    offsets = torch.arange(kernel_size, dtype=torch.float32)
    offsets = offsets - (kernel_size - 1) / 2
    kernel = torch.exp(-offsets**2 / (2 * sigma**2))
    return kernel / kernel.sum()


def gaussian_blur(images: Tensor,
                  prob: float = 0.5,
                  sigma_range: Sequence[float] = (0.15, 1.15),
                  kernel_ratio: float = 0.1,
                  generator: Optional[torch.Generator] = None) -> Tensor:
    """Gaussian blur with probability ``prob`` per image.

    sigma ~ U[sigma_range]; the kernel spans about ``kernel_ratio`` of the
    image's height and width (:func:`blur_kernel_size`); borders are
    reflected.

    Args:
        images (Tensor): (N, C, H, W).
        prob (float): Probability of blurring an image. Default: 0.5.
        sigma_range (sequence): Range of sigma. Default: (0.15, 1.15).
        kernel_ratio (float): Kernel size relative to the image side.
        generator (torch.Generator, optional): Source of randomness.

    Returns:
        Tensor: The blurred images.
    """
    if images.dim() != 4:
        raise ValueError(
            f'images must be (N, C, H, W), got {tuple(images.shape)}.')
    num, channels, height, width = images.shape
    apply = torch.rand(num, generator=generator) < prob
    sigmas = _uniform(num, sigma_range[0], sigma_range[1], generator)
    size_y = blur_kernel_size(height, kernel_ratio)
    size_x = blur_kernel_size(width, kernel_ratio)
    out = []
    for i, image in enumerate(images):
        if apply[i]:
            sigma = float(sigmas[i])
            image = image[None]
            if size_y > 1:
                kernel = gaussian_kernel(size_y, sigma).to(image)
                image = F.pad(
                    image, (0, 0, size_y // 2, size_y // 2), mode='reflect')
                image = F.conv2d(
                    image,
                    kernel.view(1, 1, -1, 1).expand(channels, 1, -1, 1),
                    groups=channels)
            if size_x > 1:
                kernel = gaussian_kernel(size_x, sigma).to(image)
                image = F.pad(
                    image, (size_x // 2, size_x // 2, 0, 0), mode='reflect')
                image = F.conv2d(
                    image,
                    kernel.view(1, 1, 1, -1).expand(channels, 1, 1, -1),
                    groups=channels)
            image = image[0]
        out.append(image)
    return torch.stack(out)


def augment_inputs(inputs: Tensor,
                   data_preprocessor: nn.Module,
                   jitter: Optional[dict] = None,
                   blur: Optional[dict] = None,
                   generator: Optional[torch.Generator] = None) -> Tensor:
    """Colour jitter, then blur, of normalised inputs in image space.

    Args:
        inputs (Tensor): (N, 3, H, W) inputs normalised by
            ``data_preprocessor``.
        data_preprocessor (nn.Module): Their preprocessor (mean, std,
            channel order).
        jitter (dict, optional): Keyword arguments of :func:`color_jitter`;
            None skips it.
        blur (dict, optional): Keyword arguments of :func:`gaussian_blur`;
            None skips it.
        generator (torch.Generator, optional): Source of randomness.

    Returns:
        Tensor: The augmented inputs, normalised again.
    """
    if jitter is None and blur is None:
        return inputs
    images = inputs_to_images(
        inputs, data_preprocessor, 'rgb', dtype=inputs.dtype) / 255.
    if jitter is not None:
        images = color_jitter(images, **jitter, generator=generator)
    if blur is not None:
        images = gaussian_blur(images, **blur, generator=generator)
    return images_to_inputs(images * 255., data_preprocessor, 'rgb')
