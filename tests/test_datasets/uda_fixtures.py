"""Tiny datasets in the real GTA5 / SYNTHIA / Cross-City / Cityscapes layouts.

Label maps are vertical stripes: column block ``j`` (``BLOCK`` pixels wide)
of image ``k`` holds ``np.roll(ids, k)[j]``, so tests can name the expected
train id of any pixel.
"""
import os
import os.path as osp
from typing import Sequence, Tuple

import cv2
import numpy as np
from PIL import Image

W, H = 32, 16
BLOCK = 4

# One raw id per column block; each list mixes mapped ids, a void id and an
# id that is invalid for the dataset.
GTA5_IDS = [7, 8, 11, 26, 23, 0, 34, 33]
SYNTHIA_IDS = [3, 4, 2, 8, 1, 0, 20, 40]
CROSSCITY_IDS = [7, 8, 11, 12, 26, 23, 0, 33]


def id_map(ids: Sequence[int],
           k: int = 0,
           size: Tuple[int, int] = (W, H),
           block: int = BLOCK) -> np.ndarray:
    """The (H, W) map of image ``k``: stripes ``block`` pixels wide."""
    w, h = size
    row = np.resize(np.repeat(np.roll(np.asarray(ids), k), block), w)
    return np.tile(row, (h, 1))


def _mkdir_for(path: str) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)


def write_image(path: str, size: Tuple[int, int] = (W, H), seed=0) -> None:
    _mkdir_for(path)
    rng = np.random.default_rng(seed)
    cv2.imwrite(path, rng.integers(0, 256, (size[1], size[0], 3), np.uint8))


def write_gray_label(path: str, label: np.ndarray) -> None:
    _mkdir_for(path)
    cv2.imwrite(path, label.astype(np.uint8))


def write_palette_label(path: str, label: np.ndarray) -> None:
    """An indexed-colour PNG like GTA5's: indices are ids, colours are not."""
    _mkdir_for(path)
    h, w = label.shape
    img = Image.frombytes('P', (w, h), label.astype(np.uint8).tobytes())
    palette = np.random.default_rng(1).integers(0, 256, 768)
    img.putpalette(palette.astype(np.uint8).tolist())
    img.save(path)


def write_synthia_label(path: str, label: np.ndarray) -> None:
    """A 16-bit 3-channel PNG: class id in the first (R) channel, large
    instance-like ids in the other two."""
    _mkdir_for(path)
    bgr = np.empty(label.shape + (3, ), np.uint16)
    bgr[..., 2] = label
    bgr[..., 1] = 300 + 7 * label.astype(np.uint16)
    bgr[..., 0] = 1000
    cv2.imwrite(path, bgr)


def make_gta5(root: str,
              num: int = 3,
              without_label: Sequence[int] = ()) -> str:
    for k in range(num):
        write_image(osp.join(root, 'images', f'{k:05d}.png'), seed=k)
        if k not in without_label:
            write_palette_label(
                osp.join(root, 'labels', f'{k:05d}.png'), id_map(GTA5_IDS, k))
    return root


def make_synthia(root: str, num: int = 2) -> str:
    for k in range(num):
        write_image(osp.join(root, 'RGB', f'{k:07d}.png'), seed=k)
        write_synthia_label(
            osp.join(root, 'GT', 'LABELS', f'{k:07d}.png'),
            id_map(SYNTHIA_IDS, k))
    return root


def make_crosscity(root: str,
                   city: str = 'Rome',
                   num_train: int = 3,
                   num_test: int = 2) -> str:
    for k in range(num_train):
        write_image(
            osp.join(root, city, 'Images', 'Train', f'pic_{k:03d}.png'),
            seed=k)
    for k in range(num_test):
        write_image(
            osp.join(root, city, 'Images', 'Test', f'pic_{k:03d}.png'),
            seed=10 + k)
        write_gray_label(
            osp.join(root, city, 'Labels', 'Test', f'pic_{k:03d}_eval.png'),
            id_map(CROSSCITY_IDS, k))
    return root


def make_cityscapes(root: str, num: int = 2) -> str:
    for k in range(num):
        stem = f'frankfurt_000000_{k:06d}'
        write_image(
            osp.join(root, 'leftImg8bit', 'val', 'frankfurt',
                     f'{stem}_leftImg8bit.png'),
            seed=k)
        write_gray_label(
            osp.join(root, 'gtFine', 'val', 'frankfurt',
                     f'{stem}_gtFine_labelIds.png'), id_map(GTA5_IDS, k))
    return root


def column_values(gt, row: int = 0, offset: int = 1) -> list:
    """The value of every column block in ``row`` of a (H, W) map."""
    return [int(v) for v in np.asarray(gt)[row, offset::BLOCK]]
