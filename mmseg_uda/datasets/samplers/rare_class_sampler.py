"""Rare-class sampling of the source set (DAFormer)."""
import os.path as osp
from typing import Dict, Iterator, List, Optional, Sized

import numpy as np
from mmengine.logging import print_log
from mmseg.registry import DATA_SAMPLERS

from .infinite_index_sampler import InfiniteIndexSampler
from .label_statistics import cached_label_statistics, image_class_pixels


def class_pixel_stats(source,
                      cache_file: Optional[str] = None,
                      nproc: int = 1) -> List[Dict[int, int]]:
    """Pixels per class of every labelled sample, read once and cached.

    The label maps are read with the dataset pipeline's label loader
    (``LoadUDAAnnotations`` / ``LoadAnnotations``) under a progress bar.
    With ``cache_file`` the result is written as json (rank 0 only) and
    reused by later calls whose dataset it covers.

    Args:
        source: A labelled dataset (``get_data_info``, ``metainfo``).
        cache_file (str, optional): Json cache. Defaults to None.
        nproc (int): Processes reading the label maps. Defaults to 1.

    Returns:
        list[dict[int, int]]: Per sample, the pixels of each class present.
    """
    return cached_label_statistics(
        source,
        image_class_pixels,
        'pixels',
        'RareClassSampler',
        cache_file,
        nproc,
        decode=lambda pixels: {int(c): n
                               for c, n in pixels.items()})


class RareClassIndex(int):
    """A source index that remembers the class it was drawn for.

    It is an ``int`` to every dataset; :class:`UDADataset` reads
    ``rare_class``, ``min_crop_pixels`` and ``max_crop_redraws`` and loads
    the source sample again (a new random crop) until the crop holds more
    than ``min_crop_pixels`` pixels of ``rare_class``.
    """

    def __new__(cls, index: int, rare_class: int, min_crop_pixels: float,
                max_crop_redraws: int) -> 'RareClassIndex':
        obj = super().__new__(cls, index)
        obj.rare_class = rare_class
        obj.min_crop_pixels = min_crop_pixels
        obj.max_crop_redraws = max_crop_redraws
        return obj

    def __reduce__(self):  # keep the class through dataloader workers
        return (RareClassIndex, (int(self), self.rare_class,
                                 self.min_crop_pixels, self.max_crop_redraws))


def rare_class_probabilities(frequencies: np.ndarray,
                             temperature: float) -> np.ndarray:
    """``P(c) = exp((1 - f_c) / T) / sum_c' exp((1 - f_c') / T)``.

    Args:
        frequencies (np.ndarray): Pixel share ``f_c`` of each class.
        temperature (float): ``T`` (> 0); smaller favours rare classes more.

    Returns:
        np.ndarray: Sampling probability of each class.
    """
    if temperature <= 0:
        raise ValueError(f'temperature must be > 0, got {temperature}.')
    logits = (1. - np.asarray(frequencies, dtype=np.float64)) / temperature
    weights = np.exp(logits - logits.max())
    return weights / weights.sum()


@DATA_SAMPLERS.register_module()
class RareClassSampler(InfiniteIndexSampler):
    """Infinite source sampler that favours rare classes (DAFormer's RCS).

    The pixel share ``f_c`` of every class over the source labels gives the
    probability ``P(c)`` of :func:`rare_class_probabilities`. Each draw
    picks a class ``c`` from ``P``, then uniformly one of the source images
    holding more than ``min_pixels`` pixels of ``c``. Classes that no image
    holds with that many pixels are never picked; ``f_c`` is still counted
    over all classes.

    The statistics (:func:`class_pixel_stats`) are read once at the label
    maps' resolution and cached as json beside the data. With a
    :class:`UDADataset` the indices are source indices (the target side is
    paired by the wrapper). Under DDP every rank draws the same stream and
    keeps every ``world_size``-th index, like ``InfiniteSampler``.

    With ``min_crop_ratio > 0`` each index is a :class:`RareClassIndex`
    carrying ``c``: :class:`UDADataset` then re-draws the source sample's
    random crop up to ``max_crop_redraws`` times until the crop holds more
    than ``min_pixels * min_crop_ratio`` pixels of ``c`` (DAFormer: 0.5 and
    10; HRDA: 2.0), keeping the last draw otherwise. A plain source dataset
    sees ordinary indices.

    Args:
        dataset (Sized): The (source or ``UDADataset``) training dataset.
        seed (int, optional): Random seed; None draws one shared by all
            ranks. Defaults to None.
        temperature (float): ``T``. Defaults to 0.01 (DAFormer).
        min_pixels (int): Pixels of ``c`` an image needs to be drawn for
            ``c``. Defaults to 3000 (DAFormer, at GTA5's label resolution).
        cache_file (str, optional): Json cache of the statistics; a relative
            path is taken inside the source's ``data_root``. None caches
            nothing. Defaults to 'rcs_class_stats.json'.
        nproc (int): Processes reading the label maps. Defaults to 1.
        min_crop_ratio (float): Crop re-draw threshold as a share of
            ``min_pixels``; 0 switches the re-draw off. Defaults to 0.
        max_crop_redraws (int): Re-draws at most. Defaults to 10.
    """

    def __init__(self,
                 dataset: Sized,
                 seed: Optional[int] = None,
                 temperature: float = 0.01,
                 min_pixels: int = 3000,
                 cache_file: Optional[str] = 'rcs_class_stats.json',
                 nproc: int = 1,
                 min_crop_ratio: float = 0.,
                 max_crop_redraws: int = 10) -> None:
        if min_pixels < 0:
            raise ValueError(f'min_pixels must be >= 0, got {min_pixels}.')
        if min_crop_ratio < 0 or max_crop_redraws < 0:
            raise ValueError(
                'min_crop_ratio and max_crop_redraws must be >= 0, got '
                f'{min_crop_ratio} and {max_crop_redraws}.')
        self.min_crop_pixels = min_pixels * min_crop_ratio
        self.max_crop_redraws = max_crop_redraws if min_crop_ratio else 0
        super().__init__(dataset, seed)
        source = getattr(dataset, 'source_dataset', dataset)
        self.num_classes = len(source.metainfo['classes'])
        if cache_file and not osp.isabs(cache_file):
            cache_file = osp.join(
                getattr(source, 'data_root', None) or '', cache_file)
        self.cache_file = cache_file
        self.stats = class_pixel_stats(source, cache_file, nproc)
        pixels = np.zeros(self.num_classes, dtype=np.float64)
        for image in self.stats:
            for c, n in image.items():
                pixels[c] += n
        if pixels.sum() == 0:
            raise ValueError(
                'RareClassSampler: no label map of the dataset holds a '
                'class id below num_classes; check its label loader '
                '(label_mapping) and seg_map_path.')
        self.frequencies = pixels / pixels.sum()
        self.class_images = [[
            i for i, image in enumerate(self.stats)
            if image.get(c, 0) > min_pixels
        ] for c in range(self.num_classes)]
        self.classes = np.array(
            [c for c in range(self.num_classes) if self.class_images[c]])
        if len(self.classes) == 0:
            raise ValueError(
                'RareClassSampler: no image holds more than '
                f'min_pixels={min_pixels} pixels of any class; lower '
                'min_pixels.')
        self.probabilities = rare_class_probabilities(
            self.frequencies[self.classes], temperature)
        names = source.metainfo['classes']
        print_log(
            'RareClassSampler: P(class): ' + ', '.join(
                f'{names[c]}: {p:.4f}'
                for c, p in zip(self.classes, self.probabilities)),
            logger='current')

    def _infinite_indices(self) -> Iterator[int]:
        rng = np.random.default_rng(self.seed)
        while True:
            c = self.classes[rng.choice(
                len(self.classes), p=self.probabilities)]
            images = self.class_images[c]
            index = int(images[rng.integers(len(images))])
            if self.max_crop_redraws:
                yield RareClassIndex(index, int(c), self.min_crop_pixels,
                                     self.max_crop_redraws)
            else:
                yield index
