"""Class-balanced source sampling of FADA's official code."""
from typing import Iterator, Optional, Sized

import numpy as np
from mmengine.logging import print_log
from mmseg.registry import DATA_SAMPLERS

from .infinite_index_sampler import InfiniteIndexSampler
from .label_statistics import cached_label_statistics, image_classes


@DATA_SAMPLERS.register_module()
class ClassBalancedSampler(InfiniteIndexSampler):
    """Infinite sampler that favours images of rarely sampled classes.

    The source sampling of FADA's official code (the paper does not
    mention it). Each draw picks a class ``c`` with probability
    proportional to ``1 / log(1.01 + f_c)``, where ``f_c`` is the share of
    ``c`` among the classes of the images drawn so far (counted per image;
    reset every ``reset_interval`` draws), then takes the next image
    containing ``c`` from a shuffled per-class list (reshuffled when used
    up). Classes without any image are never picked.

    The classes of every image are read once from its label map with the
    dataset's own label loader (the first ``LoadUDAAnnotations`` or
    ``LoadAnnotations`` of its pipeline) and can be cached in a json file.
    With a :class:`UDADataset` the source dataset is balanced (the target
    sample stays random). Under DDP every rank draws the same stream and
    keeps every ``world_size``-th index, like ``InfiniteSampler``.

    Args:
        dataset (Sized): The (source or ``UDADataset``) training dataset.
        seed (int, optional): Random seed; None draws one shared by all
            ranks. Defaults to None.
        reset_interval (int): Draws after which the class counts restart
            (the official code: 3000). Defaults to 3000.
        cache_file (str, optional): Json file caching the classes of every
            label map; reused when it covers the dataset. Defaults to None.
        nproc (int): Processes reading the label maps. Defaults to 1.
    """

    def __init__(self,
                 dataset: Sized,
                 seed: Optional[int] = None,
                 reset_interval: int = 3000,
                 cache_file: Optional[str] = None,
                 nproc: int = 1) -> None:
        super().__init__(dataset, seed)
        self.reset_interval = reset_interval
        source = getattr(dataset, 'source_dataset', dataset)
        self.num_classes = len(source.metainfo['classes'])
        self.image_classes = cached_label_statistics(
            source, image_classes, 'labels', 'ClassBalancedSampler',
            cache_file, nproc)
        self.class_images = [[] for _ in range(self.num_classes)]
        for index, classes in enumerate(self.image_classes):
            for c in classes:
                self.class_images[c].append(index)
        if not any(self.class_images):
            raise ValueError(
                'ClassBalancedSampler: no label map of the dataset holds a '
                'class id below num_classes; check its label loader '
                '(label_mapping) and seg_map_path.')
        counts = ', '.join(f'{name}: {len(images)}' for name, images in zip(
            source.metainfo['classes'], self.class_images))
        print_log(
            f'ClassBalancedSampler: images per class: {counts}',
            logger='current')

    def _infinite_indices(self) -> Iterator[int]:
        rng = np.random.default_rng(self.seed)
        available = np.array([len(images) > 0 for images in self.class_images])
        queues = [rng.permutation(images) for images in self.class_images]
        positions = np.zeros(self.num_classes, dtype=np.int64)
        seen = np.zeros(self.num_classes)
        draws = 0
        while True:
            if draws % self.reset_interval == 0:
                seen[:] = 0
            freq = seen / seen.sum() if seen.sum() > 0 else seen
            weights = np.where(available, 1. / np.log(1.01 + freq), 0.)
            c = rng.choice(self.num_classes, p=weights / weights.sum())
            if positions[c] == len(queues[c]):
                queues[c] = rng.permutation(self.class_images[c])
                positions[c] = 0
            index = int(queues[c][positions[c]])
            positions[c] += 1
            seen[self.image_classes[index]] += 1
            draws += 1
            yield index
