"""Apply a trained image translator to a whole dataset.

Writes a copy of the dataset under ``--out-root`` in the same format: every
image translated, with the same relative path and name; label maps
hard-linked (or copied) unchanged; the split file (``ann_file``) copied. The
result is an ordinary dataset: use the same dataset config with
``data_root=OUT_ROOT``.

Examples::

    # GTA5 -> Cityscapes style (BDL, CIRN): the config's source train set
    python tools/translate.py configs/translators/cyclegan_gta2cs.py \\
        work_dirs/cyclegan_gta2cs/iter_124840.pth --out-root data/gta5_cs

    # Cityscapes -> GTA5 style (LDR): target train and val sets
    python tools/translate.py configs/translators/cyclegan_cs2gta.py CKPT \\
        --dataset target_val_dataset --out-root data/cityscapes_gta5

Images are translated at their native size (the generators are fully
convolutional) unless ``--scale``/``--scale-factor`` is given; then the
translation runs at that size and is resized back to the native size, so
label maps keep fitting. Existing outputs are skipped (resume an
interrupted run by running the same command again); every file is written
under a temporary name in its final folder and renamed when complete, so an
interrupted write never leaves a truncated file under a final name. With
``--launcher pytorch`` every rank translates a disjoint shard.
"""
import argparse
import os
import os.path as osp
from typing import Dict, Optional, Sequence, Tuple

import cv2
import mmcv
import numpy as np
import torch
from mmengine import fileio
from mmengine.config import Config, DictAction
from mmengine.dist import (all_reduce, barrier, get_dist_info, init_dist,
                           is_distributed)
from mmengine.logging import print_log
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmengine.utils import ProgressBar
from mmseg.registry import DATASETS, MODELS

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.apis import get_dataset_cfg
from mmseg_uda.utils import close_distributed, init_cpu_distributed

#: Dataset variable translated by default, per translator direction.
DEFAULT_DATASETS = dict(
    source_to_target='source_train_dataset',
    target_to_source='target_train_dataset')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Translate a dataset with a trained image translator')
    parser.add_argument('config', help='translator config file')
    parser.add_argument('checkpoint', help='translator checkpoint')
    parser.add_argument(
        '--out-root',
        required=True,
        help='root of the translated dataset (its new data_root)')
    parser.add_argument(
        '--dataset',
        help='the config entry holding the dataset to translate: a '
        'variable such as source_train_dataset, or a dotted path such as '
        'train_dataloader.dataset.source (default: source_train_dataset '
        'for direction source_to_target, target_train_dataset for '
        'target_to_source)')
    scale = parser.add_mutually_exclusive_group()
    scale.add_argument(
        '--scale',
        type=int,
        nargs=2,
        metavar=('WIDTH', 'HEIGHT'),
        help='translate at this size instead of the native one')
    scale.add_argument(
        '--scale-factor',
        type=float,
        help='translate at the native size times this factor')
    parser.add_argument(
        '--copy-labels',
        action='store_true',
        help='copy label maps instead of hard-linking them')
    parser.add_argument(
        '--device',
        help='device, default: cuda (cuda:LOCAL_RANK) when available')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def write_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to a temporary name next to ``path``, then rename.

    The temporary name (``.NAME.part``) is never taken for a finished
    file; a leftover from an interrupted run is overwritten when the file
    is written again.
    """
    directory, name = osp.split(path)
    os.makedirs(directory, exist_ok=True)
    tmp_path = osp.join(directory, f'.{name}.part')
    with open(tmp_path, 'wb') as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp_path, path)


def copy_atomic(src: str, dst: str) -> None:
    """Copy a file to ``dst`` through a temporary name."""
    with open(src, 'rb') as f:
        write_atomic(dst, f.read())


def link_or_copy(src: str, dst: str, copy: bool) -> None:
    """Hard-link ``src`` to ``dst`` (a copy across file systems)."""
    os.makedirs(osp.dirname(dst), exist_ok=True)
    if not copy:
        try:
            os.link(src, dst)  # atomic: the name appears complete or not
            return
        except FileExistsError:
            return
        except OSError:  # another file system, or no hard links
            pass
    copy_atomic(src, dst)


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
        output = self.model.translate(inputs)[0]
        if getattr(preprocessor, '_enable_normalize', False):
            output = output * preprocessor.std + preprocessor.mean
        if getattr(preprocessor, 'channel_conversion', False):
            output = output.flip(0)  # back to BGR
        output = output.clamp(0, 255).round().byte().permute(1, 2, 0)
        output = output.cpu().numpy()
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
            copy_atomic(ann_file, dst)
    indices = range(rank, len(dataset), world_size)
    counts = dict(translated=0, skipped=0, labels=0)
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
                link_or_copy(seg_map_path, dst, copy_labels)
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
            write_atomic(dst, encoded.tobytes())
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


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    if args.launcher != 'none':
        init_cpu_distributed(cfg, args.launcher)
        if not torch.distributed.is_initialized():
            init_dist(args.launcher)
    rank, world_size = get_dist_info()
    device = args.device
    if device is None:
        device = (f'cuda:{os.environ["LOCAL_RANK"]}'
                  if torch.cuda.is_available() else 'cpu')

    direction = cfg.model.get('direction', 'source_to_target')
    key = args.dataset or DEFAULT_DATASETS[direction]
    dataset = DATASETS.build(get_dataset_cfg(cfg, key))
    translator = ImageTranslator(
        build_translator(cfg, args.checkpoint, device),
        scale=args.scale,
        scale_factor=args.scale_factor)
    print_log(
        f'Translating {len(dataset)} images of `{key}` '
        f'({dataset.data_root}) into {args.out_root} on {world_size} '
        'process(es).',
        logger='current')
    counts = translate_dataset(translator, dataset, args.out_root,
                               args.copy_labels, rank, world_size)
    barrier()
    counts = sum_counts(counts, ('translated', 'skipped', 'labels'), device)
    print_log(
        f'\nDone: {counts["translated"]} images translated, '
        f'{counts["skipped"]} already there, {counts["labels"]} label maps '
        f'{"copied" if args.copy_labels else "linked"}. Use the dataset '
        f'config of `{key}` with data_root={args.out_root!r}.',
        logger='current')
    close_distributed()


if __name__ == '__main__':
    main()
