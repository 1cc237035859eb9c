"""Write the toy benchmark in the GTA5 (source) and Cityscapes (target)
formats, so that training on it goes through the real dataset loaders."""
import json
import os
import os.path as osp
import shutil
from typing import Dict, List, NamedTuple, Optional, Tuple

import cv2
import numpy as np
from mmengine.logging import print_log
from mmengine.utils import track_parallel_progress, track_progress

from .scene import Scene, sample_scene
from .styles import TOY_PAIRS, DomainStyle, default_styles, render_scene

#: Bumped whenever the same arguments would produce different images.
TOY_BENCHMARK_VERSION = 1
MANIFEST_NAME = 'toy_benchmark.json'
DOMAINS = ('source', 'target')
SPLITS = ('train', 'val')
#: Fake city folders of the target (Cityscapes-format) splits.
TARGET_CITIES = {'train': ('toyville', 'simburg'), 'val': ('valcity', )}
_GENERATOR = 'mmseg_uda.datasets.toy'


def generate_scene(domain: str,
                   split: str,
                   index: int,
                   seed: int = 0,
                   width: int = 256,
                   height: int = 128,
                   style: Optional[DomainStyle] = None,
                   pair: str = 'a') -> Tuple[np.ndarray, Scene]:
    """Generate one image and the scene it shows (labels, depth, ...).

    The result depends only on the arguments: each sample has its own
    random generator seeded with ``(seed, domain, split, index)``, plus the
    pair's position in :data:`TOY_PAIRS` for pairs other than ``'a'`` (so
    pairs do not share layouts; pair ``'a'`` keeps its original seeding).

    Args:
        domain (str): ``'source'`` or ``'target'``.
        split (str): ``'train'`` or ``'val'``.
        index (int): Index of the sample within its split.
        seed (int): Seed of the whole benchmark. Defaults to 0.
        width (int): Image width. Defaults to 256.
        height (int): Image height. Defaults to 128.
        style (DomainStyle, optional): Style of the domain. Defaults to
            the domain's entry of ``default_styles(pair=pair)``.
        pair (str): Built-in domain pair (a key of :data:`TOY_PAIRS`).
            Defaults to 'a'.

    Returns:
        tuple[np.ndarray, Scene]: The ``(H, W, 3)`` uint8 RGB image and its
        :class:`Scene`.
    """
    if domain not in DOMAINS:
        raise ValueError(f'domain must be one of {DOMAINS}, got {domain!r}')
    if split not in SPLITS:
        raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
    if style is None:
        style = default_styles(pair=pair)[domain]
    elif pair not in TOY_PAIRS:
        raise ValueError(f'unknown toy domain pair {pair!r}; the built-in '
                         f'pairs are {sorted(TOY_PAIRS)}')
    entropy = [seed, DOMAINS.index(domain), SPLITS.index(split), index]
    if pair != 'a':
        entropy.append(list(TOY_PAIRS).index(pair))
    rng = np.random.default_rng(entropy)
    scene = sample_scene(rng, width, height, style.layout)
    return render_scene(scene, style.appearance, rng), scene


def generate_sample(domain: str,
                    split: str,
                    index: int,
                    seed: int = 0,
                    width: int = 256,
                    height: int = 128,
                    style: Optional[DomainStyle] = None,
                    pair: str = 'a') -> Tuple[np.ndarray, np.ndarray]:
    """Generate one image and its label map.

    Args:
        domain, split, index, seed, width, height, style, pair: See
            :func:`generate_scene`.

    Returns:
        tuple[np.ndarray, np.ndarray]: The ``(H, W, 3)`` uint8 RGB image and
        the ``(H, W)`` uint8 map of Cityscapes labelIds.
    """
    img, scene = generate_scene(domain, split, index, seed, width, height,
                                style, pair)
    return img, scene.labels


def _sample_paths(domain: str, split: str, index: int,
                  num_source_train: int) -> Tuple[str, str]:
    """Image and label paths of one sample, relative to the output root."""
    if domain == 'source':
        # one GTA5 folder; the val samples follow the train samples
        offset = num_source_train if split == 'val' else 0
        name = f'{index + offset:05d}.png'
        return osp.join('gta5', 'images',
                        name), osp.join('gta5', 'labels', name)
    cities = TARGET_CITIES[split]
    city = cities[index % len(cities)]
    stem = f'{city}_{index:06d}_000019'
    return (osp.join('cityscapes', 'leftImg8bit', split, city,
                     f'{stem}_leftImg8bit.png'),
            osp.join('cityscapes', 'gtFine', split, city,
                     f'{stem}_gtFine_labelIds.png'))


class _Task(NamedTuple):
    """One sample to write; ``paths`` are relative to ``out_dir``."""
    out_dir: str
    domain: str
    split: str
    index: int
    seed: int
    width: int
    height: int
    style: DomainStyle
    pair: str
    paths: Tuple[str, str]


def _write_sample(task: _Task) -> None:
    """Generate one sample and write it; run in worker processes."""
    img, labels = generate_sample(task.domain, task.split, task.index,
                                  task.seed, task.width, task.height,
                                  task.style, task.pair)
    for rel_path, array in zip(task.paths, (img[..., ::-1], labels)):
        path = osp.join(task.out_dir, rel_path)
        if not cv2.imwrite(path, np.ascontiguousarray(array)):
            raise OSError(f'could not write {path}; check that the folder '
                          'is writable and the disk not full')


def _read_manifest(path: str) -> Optional[dict]:
    if not osp.isfile(path):
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _clear_previous(out_dir: str, manifest_path: str) -> None:
    """Remove an earlier toy benchmark; refuse to touch foreign data."""
    previous = _read_manifest(manifest_path)
    ours = isinstance(previous, dict) and (previous.get('generator')
                                           == _GENERATOR)
    for sub in ('gta5', 'cityscapes'):
        path = osp.join(out_dir, sub)
        if not osp.isdir(path) or not os.listdir(path):
            continue
        if not ours:
            raise FileExistsError(
                f'{path} exists but {manifest_path} does not say it was '
                'written by the toy benchmark generator; pick an empty '
                '--out-dir or remove that folder yourself')
        shutil.rmtree(path)
    if osp.exists(manifest_path):
        os.remove(manifest_path)


def generate_toy_benchmark(out_dir: str,
                           seed: int = 0,
                           width: int = 256,
                           height: int = 128,
                           num_source_train: int = 400,
                           num_source_val: int = 100,
                           num_target_train: int = 400,
                           num_target_val: int = 100,
                           shift_strength: float = 1.0,
                           pair: str = 'a',
                           styles: Optional[Dict[str, DomainStyle]] = None,
                           nproc: int = 1,
                           force: bool = False) -> dict:
    """Generate the toy domain-shift benchmark under ``out_dir``.

    Layout (labels are uint8 Cityscapes labelIds, void = 1 for the hood)::

        out_dir/toy_benchmark.json
        out_dir/gta5/images/00000.png, labels/00000.png, train.txt, val.txt
        out_dir/cityscapes/leftImg8bit/{train,val}/{city}/
            {city}_{index:06d}_000019_leftImg8bit.png
        out_dir/cityscapes/gtFine/{train,val}/{city}/
            {city}_{index:06d}_000019_gtFine_labelIds.png

    The source val samples follow the train samples in ``gta5/``; the split
    files list basenames without extension. Nothing is written when
    ``toy_benchmark.json`` already describes the same arguments and every
    file exists; otherwise an earlier toy benchmark in ``out_dir`` is
    replaced.

    Args:
        out_dir (str): Output root, e.g. ``data/toy``.
        seed (int): Seed of the benchmark. Defaults to 0.
        width (int): Image width. Defaults to 256.
        height (int): Image height. Defaults to 128.
        num_source_train (int): Source train images. Defaults to 400.
        num_source_val (int): Source val images. Defaults to 100.
        num_target_train (int): Target train images. Defaults to 400.
        num_target_val (int): Target val images. Defaults to 100.
        shift_strength (float): Strength of the appearance and layout shift,
            see :func:`default_styles`. Ignored when ``styles`` is given.
            Defaults to 1.
        pair (str): Built-in domain pair, a key of :data:`TOY_PAIRS`
            (``'a'``: game -> street camera, ``'b'``: cartoon -> hazy,
            rolled dash camera; see ``styles.py``). Defaults to 'a'.
        styles (dict[str, DomainStyle], optional): Styles under
            ``'source'`` and ``'target'``. Defaults to
            ``default_styles(shift_strength, pair)``.
        nproc (int): Worker processes. The output does not depend on it.
            Defaults to 1.
        force (bool): Regenerate even if the manifest matches.
            Defaults to False.

    Returns:
        dict: The manifest (arguments, counts, styles, version).
    """
    counts = dict(
        source=dict(train=num_source_train, val=num_source_val),
        target=dict(train=num_target_train, val=num_target_val))
    if min(n for split in counts.values() for n in split.values()) < 0:
        raise ValueError(f'image counts must not be negative, got {counts}')
    if nproc < 1:
        raise ValueError(f'nproc must be at least 1, got {nproc}')
    if styles is None:
        styles = default_styles(shift_strength, pair)
    else:
        shift_strength = None
        default_styles(pair=pair)  # checks the name
    manifest = dict(
        generator=_GENERATOR,
        version=TOY_BENCHMARK_VERSION,
        pair=pair,
        seed=seed,
        width=width,
        height=height,
        counts=counts,
        shift_strength=shift_strength,
        target_cities=TARGET_CITIES,
        styles={d: styles[d].to_dict()
                for d in DOMAINS},
        complete=True)
    # compare in JSON form (tuples become lists)
    manifest = json.loads(json.dumps(manifest))
    tasks: List[_Task] = [
        _Task(out_dir, domain, split, index, seed, width, height,
              styles[domain], pair,
              _sample_paths(domain, split, index, num_source_train))
        for domain in DOMAINS for split in SPLITS
        for index in range(counts[domain][split])
    ]
    manifest_path = osp.join(out_dir, MANIFEST_NAME)
    if not force and _read_manifest(manifest_path) == manifest and all(
            osp.isfile(osp.join(out_dir, p)) for t in tasks for p in t.paths):
        print_log(
            f'{out_dir} already holds this toy benchmark; pass force=True '
            '(--force) to regenerate it',
            logger='current')
        return manifest

    os.makedirs(out_dir, exist_ok=True)
    _clear_previous(out_dir, manifest_path)
    # an unfinished run is recognised (and replaced) by the next one
    with open(manifest_path, 'w') as f:
        json.dump(dict(manifest, complete=False), f, indent=2)
    folders = {osp.dirname(p) for t in tasks for p in t.paths} | {'gta5'}
    for folder in sorted(folders):
        os.makedirs(osp.join(out_dir, folder), exist_ok=True)
    for split in SPLITS:
        with open(osp.join(out_dir, 'gta5', f'{split}.txt'), 'w') as f:
            f.writelines(
                osp.splitext(osp.basename(t.paths[0]))[0] + '\n' for t in tasks
                if t.domain == 'source' and t.split == split)

    print_log(
        f'writing {len(tasks)} toy images to {out_dir}', logger='current')
    if nproc == 1:
        track_progress(_write_sample, tasks)
    else:
        track_parallel_progress(_write_sample, tasks, nproc, chunksize=8)
    with open(manifest_path, 'w') as f:
        json.dump(manifest, f, indent=2)
    return manifest
