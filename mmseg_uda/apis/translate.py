"""Apply a trained image translator to a whole dataset.

The copy has the dataset's layout under a new root: every image translated
under its relative path and name, label maps hard-linked (or copied)
unchanged, the split file (``ann_file``) copied, so the same dataset config
with ``data_root=OUT_ROOT`` reads it. Existing outputs are skipped (a rerun
resumes) and every file is written atomically
(:mod:`mmseg_uda.utils.atomic_io`), so an interrupted write never leaves a
truncated file under a final name.
"""
import os
import os.path as osp
from typing import Dict, Optional, Sequence, Tuple

import cv2
import mmcv
import numpy as np
import torch
from mmengine import fileio
from mmengine.config import Config
from mmengine.dist import all_reduce, barrier, get_dist_info, is_distributed
from mmengine.logging import print_log
from mmengine.runner import load_checkpoint
from mmengine.utils import ProgressBar
from mmseg.registry import DATASETS, MODELS

from ..models.utils.pixel_normalisation import inputs_to_images
from ..utils import atomic_link_or_copy, atomic_write
from .inference import get_dataset_cfg

#: Dataset variable translated by default, per translator direction.
DEFAULT_DATASETS = dict(
    source_to_target='source_train_dataset',
    target_to_source='target_train_dataset')
#: The counts :func:`translate_dataset` returns.
COUNTS = ('translated', 'skipped', 'labels')


def relative_path(path: str, data_root: str) -> str:
    """``path`` relative to ``data_root``; it must lie inside it."""
    rel = osp.relpath(path, data_root)
    if rel.startswith(os.pardir):
        raise ValueError(
            f'{path} is outside the data_root {data_root}; the translated '
            'dataset mirrors the layout under data_root, so every file must '
            'lie inside it.')
    return rel


class ImageTranslator:
    """Read, translate and encode single images with a translator model.

    Args:
        model (nn.Module): A translator with ``translate`` and its data
            preprocessor (e.g. ``CycleGANTranslator``).
        scale (tuple[int, int], optional): Translate at (width, height).
        scale_factor (float, optional): Translate at the native size times
            this factor.
    """

    def __init__(self,
                 model: torch.nn.Module,
                 scale: Optional[Tuple[int, int]] = None,
                 scale_factor: Optional[float] = None) -> None:
        if not hasattr(model, 'translate'):
            raise TypeError(
                f'{type(model).__name__} is not an image translator; '
                'tools/translate.py needs a config whose model has a '
                '`translate` method, e.g. CycleGANTranslator.')
        self.model = model.eval()
        self.scale = tuple(scale) if scale else None
        self.scale_factor = scale_factor

    @torch.no_grad()
    def __call__(self, image: np.ndarray) -> np.ndarray:
        """Translate a BGR uint8 image (H, W, 3); same size and format."""
        height, width = image.shape[:2]
        if self.scale:
            image = mmcv.imresize(image, self.scale)
        elif self.scale_factor:
            image = mmcv.imrescale(image, self.scale_factor)
        preprocessor = self.model.data_preprocessor
        inputs = torch.from_numpy(
            np.ascontiguousarray(image.transpose(2, 0, 1)))
        inputs = preprocessor(dict(inputs=[inputs]), False)['inputs']
        output = inputs_to_images(
            self.model.translate(inputs)[0], preprocessor, channel_order='bgr')
        output = output.permute(1, 2, 0).cpu().numpy()
        if output.shape[:2] != (height, width):
            output = mmcv.imresize(output, (width, height))
        return output


def translate_dataset(translator: ImageTranslator,
                      dataset,
                      out_root: str,
                      copy_labels: bool = False,
                      rank: int = 0,
                      world_size: int = 1) -> Dict[str, int]:
    """Translate this rank's shard of ``dataset`` into ``out_root``.

    Returns the counts ``translated``, ``skipped`` (already there) and
    ``labels`` (label maps linked or copied) of this rank.
    """
    data_root = dataset.data_root
    if not data_root:
        raise ValueError(
            f'{type(dataset).__name__} has no data_root; the translated '
            'dataset mirrors the layout under data_root, so set it.')
    if osp.abspath(out_root) == osp.abspath(data_root):
        raise ValueError(f'--out-root {out_root} is the data_root of the '
                         'dataset; choose a new folder.')
    backend_args = getattr(dataset, 'backend_args', None)
    ann_file = getattr(dataset, 'ann_file', '')
    if rank == 0 and ann_file and osp.isfile(ann_file):
        dst = osp.join(out_root, relative_path(ann_file, data_root))
        if not osp.exists(dst):
            atomic_link_or_copy(ann_file, dst, copy=True)
    indices = range(rank, len(dataset), world_size)
    counts = dict.fromkeys(COUNTS, 0)
    progress = ProgressBar(len(indices)) if rank == 0 else None
    for index in indices:
        info = dataset.get_data_info(index)
        seg_map_path = info.get('seg_map_path')
        if seg_map_path:
            if not osp.isfile(seg_map_path):
                raise FileNotFoundError(
                    f'Label map {seg_map_path} is missing; fix the dataset '
                    'or drop seg_map_path from its data_prefix.')
            dst = osp.join(out_root, relative_path(seg_map_path, data_root))
            if not osp.exists(dst):
                atomic_link_or_copy(seg_map_path, dst, copy=copy_labels)
                counts['labels'] += 1
        img_path = info['img_path']
        dst = osp.join(out_root, relative_path(img_path, data_root))
        if osp.exists(dst):
            counts['skipped'] += 1
        else:
            image = mmcv.imfrombytes(
                fileio.get(img_path, backend_args=backend_args), flag='color')
            ok, encoded = cv2.imencode(osp.splitext(dst)[1], translator(image))
            if not ok:
                raise RuntimeError(f'Could not encode {dst}.')
            atomic_write(dst, encoded.tobytes(), fsync=True)
            counts['translated'] += 1
        if progress is not None:
            progress.update()
    return counts


def build_translator(cfg: Config, checkpoint: str,
                     device: str) -> torch.nn.Module:
    """Build ``cfg.model`` and load the translator weights."""
    model = MODELS.build(cfg.model)
    load_checkpoint(model, checkpoint, map_location='cpu', strict=True)
    return model.to(device)


def sum_counts(counts: Dict[str, int], names: Sequence[str],
               device: str) -> Dict[str, int]:
    """Sum the counts of all ranks."""
    if not is_distributed():
        return counts
    total = torch.tensor([counts[name] for name in names], device=device)
    all_reduce(total)
    return dict(zip(names, total.tolist()))


def translate(cfg: Config,
              checkpoint: str,
              out_root: str,
              dataset: Optional[str] = None,
              scale: Optional[Tuple[int, int]] = None,
              scale_factor: Optional[float] = None,
              copy_labels: bool = False,
              device: Optional[str] = None) -> Dict[str, int]:
    """Translate a dataset of ``cfg`` with the translator ``cfg.model``.

    In a distributed run every rank translates a disjoint shard; the counts
    returned are summed over the ranks.

    Args:
        cfg (Config): A translator config (default scope initialised).
        checkpoint (str): The translator's checkpoint.
        out_root (str): Root of the translated dataset (its new
            ``data_root``).
        dataset (str, optional): The config entry of the dataset (see
            :func:`get_dataset_cfg`). Defaults to :data:`DEFAULT_DATASETS`
            of the model's ``direction``.
        scale (tuple[int, int], optional): Translate at (width, height).
        scale_factor (float, optional): Translate at the native size times
            this factor.
        copy_labels (bool): Copy label maps instead of hard-linking them.
            Defaults to False.
        device (str, optional): Defaults to ``cuda:LOCAL_RANK`` when a GPU
            is available, else the CPU.

    Returns:
        dict[str, int]: The :data:`COUNTS` of the whole run.
    """
    rank, world_size = get_dist_info()
    if device is None:
        device = (f'cuda:{os.environ.get("LOCAL_RANK", 0)}'
                  if torch.cuda.is_available() else 'cpu')
    direction = cfg.model.get('direction', 'source_to_target')
    key = dataset or DEFAULT_DATASETS[direction]
    images = DATASETS.build(get_dataset_cfg(cfg, key))
    translator = ImageTranslator(
        build_translator(cfg, checkpoint, device),
        scale=scale,
        scale_factor=scale_factor)
    print_log(
        f'Translating {len(images)} images of `{key}` '
        f'({images.data_root}) into {out_root} on {world_size} '
        'process(es).',
        logger='current')
    counts = translate_dataset(translator, images, out_root, copy_labels,
                               rank, world_size)
    barrier()
    counts = sum_counts(counts, COUNTS, device)
    print_log(
        f'\nDone: {counts["translated"]} images translated, '
        f'{counts["skipped"]} already there, {counts["labels"]} label maps '
        f'{"copied" if copy_labels else "linked"}. Use the dataset '
        f'config of `{key}` with data_root={out_root!r}.',
        logger='current')
    return counts
