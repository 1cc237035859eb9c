"""Per-image class statistics of a labelled dataset, read once and cached.

Shared by the class-aware samplers: the label maps are read with the
dataset pipeline's own label loader (ids mapped exactly as in training, at
the file's resolution), under a progress bar, and the result can be
cached in a json file that later runs reuse when it covers the dataset.
"""
import copy
import json
import os.path as osp
from typing import Callable, Dict, List, Optional

import numpy as np
from mmengine.dist import get_rank
from mmengine.logging import print_log
from mmengine.utils import track_parallel_progress, track_progress
from PIL import Image

from ...utils import atomic_write
from ..transforms.pipeline_filter import LABEL_LOADERS, find_label_loader


def class_counts(task: tuple) -> np.ndarray:
    """Pixels per class (ids below ``num_classes``) of one label map.

    Args:
        task (tuple): ``(label_loader, data_info, num_classes)``; the loader
            is the dataset's own label-loading transform.

    Returns:
        np.ndarray: ``(num_classes, )`` pixel counts; ignored pixels are not
        counted.
    """
    loader, data_info, num_classes = task
    results = copy.deepcopy(data_info)
    results.setdefault('seg_fields', [])
    with Image.open(results['img_path']) as img:  # reads the header only
        width, height = img.size
    results['ori_shape'] = results['img_shape'] = (height, width)
    label = loader(results)['gt_seg_map']
    return np.bincount(
        label[label < num_classes].ravel(), minlength=num_classes)


def image_classes(task: tuple) -> List[int]:
    """The sorted class ids present in one label map (see
    :func:`class_counts`)."""
    return np.flatnonzero(class_counts(task)).tolist()


def image_class_pixels(task: tuple) -> Dict[int, int]:
    """Pixel count of every class present in one label map (see
    :func:`class_counts`)."""
    counts = class_counts(task)
    return {int(c): int(counts[c]) for c in np.flatnonzero(counts)}


def dataset_label_loader(source, owner: str):
    """The first hard-label loader of ``source``'s built pipeline."""
    transforms = getattr(getattr(source, 'pipeline', None), 'transforms', [])
    loader = find_label_loader(transforms)
    if loader is None:
        raise ValueError(
            f'{owner} reads labels with the dataset pipeline\'s label '
            f'loader, but the pipeline of {type(source).__name__} has none '
            f'of {LABEL_LOADERS}.')
    return loader


def cached_label_statistics(source,
                            statistic: Callable[[tuple], object],
                            cache_key: str,
                            owner: str,
                            cache_file: Optional[str] = None,
                            nproc: int = 1,
                            decode: Callable = lambda value: value) -> list:
    """``statistic`` of every label map of ``source``, read once and cached.

    Args:
        source: A labelled dataset (``get_data_info``, ``metainfo``).
        statistic (callable): Per-image statistic of a
            ``(label_loader, data_info, num_classes)`` task, e.g.
            :func:`image_classes`; its result must be json-serialisable.
        cache_key (str): Key of the per-path statistics in the json cache.
        owner (str): Who asks, for messages.
        cache_file (str, optional): Json cache, written by rank 0 and reused
            when it covers the dataset. Defaults to None.
        nproc (int): Processes reading the label maps. Defaults to 1.
        decode (callable): Turns a cached (json) value back into the
            statistic's type. Defaults to the identity.

    Returns:
        list: The statistic of every sample, in dataset order.
    """
    num_classes = len(source.metainfo['classes'])
    infos = [source.get_data_info(i) for i in range(len(source))]
    paths = [info.get('seg_map_path') for info in infos]
    if any(path is None for path in paths):
        raise ValueError(
            f'{owner} needs labelled samples: the dataset '
            f'{type(source).__name__} has no seg_map_path (set '
            'data_prefix.seg_map_path).')
    if cache_file and osp.isfile(cache_file):
        with open(cache_file) as f:
            cache = json.load(f)
        cached = cache.get(cache_key, {})
        if (cache.get('num_classes') == num_classes
                and all(p in cached for p in paths)):
            return [decode(cached[p]) for p in paths]
        print_log(
            f'{owner}: {cache_file} does not match the dataset; reading the '
            'label maps again.',
            logger='current')
    loader = dataset_label_loader(source, owner)
    tasks = [(loader, info, num_classes) for info in infos]
    if nproc > 1:
        stats = track_parallel_progress(statistic, tasks, nproc)
    else:
        stats = track_progress(statistic, tasks)
    if cache_file and get_rank() == 0:
        atomic_write(
            cache_file,
            json.dumps({
                'num_classes': num_classes,
                cache_key: dict(zip(paths, stats))
            }).encode())
    return stats
