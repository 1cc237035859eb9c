"""Crop geometry of HRDA's multi-resolution training and inference.

A box is a tuple ``(y1, y2, x1, x2)`` of pixel coordinates, end
exclusive, as mmseg's ``slide_inference`` and HRDA's code use.
"""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

Box = Tuple[int, int, int, int]


def size_pair(value, name: str) -> Tuple[int, int]:
    """``(h, w)`` from an int or a pair of positive ints."""
    if isinstance(value, int):
        value = (value, value)
    value = tuple(value)
    if len(value) != 2 or any(
            not isinstance(v, int) or isinstance(v, bool) or v <= 0
            for v in value):
        raise ValueError(
            f'{name} must be a positive int or a pair of them, got {value}.')
    return value


def random_crop_box(img_size: Sequence[int],
                    crop_size: Sequence[int],
                    divisible: int = 1,
                    generator: Optional[torch.Generator] = None) -> Box:
    """A random ``crop_size`` box inside an image of ``img_size``.

    The top-left corner is drawn uniformly among the positions that are
    multiples of ``divisible`` and keep the box inside the image, so every
    such position (the last one included) can occur.

    Args:
        img_size (Sequence[int]): Image ``(H, W)``.
        crop_size (Sequence[int] | int): Box ``(h, w)``.
        divisible (int): The box coordinates are multiples of it.
            Defaults to 1.
        generator (torch.Generator, optional): Random source; default
            torch's global one (seeded by MMEngine's ``randomness``).

    Returns:
        tuple: ``(y1, y2, x1, x2)``.
    """
    img_h, img_w = size_pair(tuple(int(s) for s in img_size), 'img_size')
    crop_h, crop_w = size_pair(crop_size, 'crop_size')
    if not isinstance(divisible, int) or divisible < 1:
        raise ValueError(f'divisible must be an int >= 1, got {divisible}.')
    if crop_h > img_h or crop_w > img_w:
        raise ValueError(f'The crop {(crop_h, crop_w)} is larger than the '
                         f'image {(img_h, img_w)}.')
    offsets = []
    for margin in (img_h - crop_h, img_w - crop_w):
        choices = margin // divisible + 1
        offsets.append(
            int(torch.randint(choices,
                              (1, ), generator=generator)) * divisible)
    y1, x1 = offsets
    return y1, y1 + crop_h, x1, x1 + crop_w


def crop(tensor: Tensor, box: Box) -> Tensor:
    """The part of ``tensor`` (``(..., H, W)``) inside ``box``."""
    if tensor.dim() < 2:
        raise ValueError('crop needs a tensor with at least 2 dims, got '
                         f'shape {tuple(tensor.shape)}.')
    y1, y2, x1, x2 = box
    return tensor[..., y1:y2, x1:x2]


def scale_box(box: Box, scale: float) -> Box:
    """``box`` in a grid ``scale`` times as fine; coordinates must stay
    integers (e.g. a box divisible by 8 at scale 1/4)."""
    scaled = [c * scale for c in box]
    rounded = [round(c) for c in scaled]
    if any(abs(s - r) > 1e-6 for s, r in zip(scaled, rounded)):
        raise ValueError(f'The box {tuple(box)} does not fall on whole '
                         f'pixels at scale {scale}.')
    return tuple(rounded)


def slide_boxes(img_size: Sequence[int], crop_size: Sequence[int],
                stride: Sequence[int]) -> List[Box]:
    """Overlapping sliding windows that cover an image, as mmseg's
    ``slide_inference`` places them.

    Windows start every ``stride`` pixels; the last one of a row or column
    is moved back to end at the image border; a window larger than the
    image is clipped to it. All windows have the same size.

    Args:
        img_size (Sequence[int]): Image ``(H, W)``.
        crop_size (Sequence[int] | int): Window ``(h, w)``.
        stride (Sequence[int] | int): Step ``(h, w)``, at most the window.

    Returns:
        list[tuple]: Boxes ``(y1, y2, x1, x2)``, row by row.
    """
    img_h, img_w = size_pair(tuple(int(s) for s in img_size), 'img_size')
    crop_h, crop_w = size_pair(crop_size, 'crop_size')
    stride_h, stride_w = size_pair(stride, 'stride')
    if stride_h > crop_h or stride_w > crop_w:
        raise ValueError(f'The stride {(stride_h, stride_w)} is larger than '
                         f'the window {(crop_h, crop_w)}: windows would '
                         'leave gaps.')
    rows = max(img_h - crop_h + stride_h - 1, 0) // stride_h + 1
    cols = max(img_w - crop_w + stride_w - 1, 0) // stride_w + 1
    boxes = []
    for row in range(rows):
        y2 = min(row * stride_h + crop_h, img_h)
        y1 = max(y2 - crop_h, 0)
        for col in range(cols):
            x2 = min(col * stride_w + crop_w, img_w)
            x1 = max(x2 - crop_w, 0)
            boxes.append((y1, y2, x1, x2))
    return boxes


def bounding_box(boxes: Sequence[Box]) -> Box:
    """The smallest box holding all ``boxes``."""
    if not boxes:
        raise ValueError('bounding_box needs at least one box.')
    return (min(b[0] for b in boxes), max(b[1] for b in boxes),
            min(b[2] for b in boxes), max(b[3] for b in boxes))


def paste_average(patches: Sequence[Tensor], boxes: Sequence[Box],
                  size: Sequence[int]) -> Tuple[Tensor, Tensor]:
    """Place ``patches`` at ``boxes`` of a zero map; average overlaps.

    Args:
        patches (Sequence[Tensor]): ``(N, C, h_k, w_k)`` each, ``h_k, w_k``
            the size of box k.
        boxes (Sequence[tuple]): Where each patch goes.
        size (Sequence[int]): ``(H, W)`` of the output.

    Returns:
        tuple[Tensor, Tensor]: The ``(N, C, H, W)`` average (0 where no
        patch lies) and the ``(1, 1, H, W)`` number of patches per pixel.
    """
    if len(patches) != len(boxes) or not boxes:
        raise ValueError(f'{len(patches)} patches for {len(boxes)} boxes.')
    height, width = (int(s) for s in size)
    total = None
    count = patches[0].new_zeros((1, 1, height, width))
    for patch, (y1, y2, x1, x2) in zip(patches, boxes):
        if (y1 < 0 or x1 < 0 or y2 > height or x2 > width
                or tuple(patch.shape[-2:]) != (y2 - y1, x2 - x1)):
            raise ValueError(
                f'A patch of size {tuple(patch.shape[-2:])} does not fit '
                f'the box {(y1, y2, x1, x2)} of a {(height, width)} map.')
        # padding keeps autograd simple (no in-place writes)
        placed = F.pad(patch, (x1, width - x2, y1, height - y2))
        total = placed if total is None else total + placed
        count[..., y1:y2, x1:x2] += 1
    return total / count.clamp(min=1), count
