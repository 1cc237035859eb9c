"""Class-balanced source sampling of FADA's official code."""
import copy
import json
import os.path as osp
from typing import Iterator, List, Optional, Sized

import numpy as np
from mmengine.dist import get_dist_info, get_rank, sync_random_seed
from mmengine.logging import print_log
from mmengine.utils import track_parallel_progress, track_progress
from mmseg.registry import DATA_SAMPLERS
from PIL import Image
from torch.utils.data import Sampler

from ...utils import atomic_write
from ..transforms.pipeline_filter import LABEL_LOADERS


def image_classes(task: tuple) -> List[int]:
    """The classes present in one label map.

    Args:
        task (tuple): ``(label_loader, data_info, num_classes)``; the loader
            is the dataset's own label-loading transform, so ids are mapped
            exactly as in training.

    Returns:
        list[int]: Sorted class ids present in the label map.
    """
    loader, data_info, num_classes = task
    results = copy.deepcopy(data_info)
    results.setdefault('seg_fields', [])
    with Image.open(results['img_path']) as img:  # reads the header only
        width, height = img.size
    results['ori_shape'] = results['img_shape'] = (height, width)
    label = loader(results)['gt_seg_map']
    counts = np.bincount(
        label[label < num_classes].ravel(), minlength=num_classes)
    return np.flatnonzero(counts).tolist()


@DATA_SAMPLERS.register_module()
class ClassBalancedSampler(Sampler):
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
        self.rank, self.world_size = get_dist_info()
        self.dataset = dataset
        self.size = len(dataset)
        self.seed = sync_random_seed() if seed is None else seed
        self.reset_interval = reset_interval
        source = getattr(dataset, 'source_dataset', dataset)
        self.num_classes = len(source.metainfo['classes'])
        self.image_classes = self._load_image_classes(source, cache_file,
                                                      nproc)
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

    def _load_image_classes(self, source, cache_file: Optional[str],
                            nproc: int) -> List[List[int]]:
        infos = [source.get_data_info(i) for i in range(len(source))]
        paths = [info.get('seg_map_path') for info in infos]
        if any(path is None for path in paths):
            raise ValueError(
                'ClassBalancedSampler needs labelled samples: the dataset '
                f'{type(source).__name__} has no seg_map_path (set '
                'data_prefix.seg_map_path).')
        if cache_file and osp.isfile(cache_file):
            with open(cache_file) as f:
                cache = json.load(f)
            if (cache.get('num_classes') == self.num_classes
                    and all(p in cache['labels'] for p in paths)):
                return [cache['labels'][p] for p in paths]
            print_log(
                f'ClassBalancedSampler: {cache_file} does not match the '
                'dataset; reading the label maps again.',
                logger='current')
        loader = self._label_loader(source)
        tasks = [(loader, info, self.num_classes) for info in infos]
        if nproc > 1:
            classes = track_parallel_progress(image_classes, tasks, nproc)
        else:
            classes = track_progress(image_classes, tasks)
        if cache_file and get_rank() == 0:
            atomic_write(
                cache_file,
                json.dumps(
                    dict(
                        num_classes=self.num_classes,
                        labels=dict(zip(paths, classes)))).encode())
        return classes

    @staticmethod
    def _label_loader(source):
        transforms = getattr(
            getattr(source, 'pipeline', None), 'transforms', [])
        for transform in transforms:
            if type(transform).__name__ in LABEL_LOADERS:
                return transform
        raise ValueError(
            'ClassBalancedSampler reads labels with the dataset pipeline\'s '
            f'label loader, but the pipeline of {type(source).__name__} has '
            f'none of {LABEL_LOADERS}.')

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

    def __iter__(self) -> Iterator[int]:
        for position, index in enumerate(self._infinite_indices()):
            if position % self.world_size == self.rank:
                yield index

    def __len__(self) -> int:
        return self.size

    def set_epoch(self, epoch: int) -> None:
        """Not used: the stream is infinite."""
