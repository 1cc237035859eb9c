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

import torch
from mmengine.config import Config, DictAction
from mmengine.dist import init_dist
from mmengine.registry import init_default_scope

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.apis.translate import translate
from mmseg_uda.utils import close_distributed, init_cpu_distributed


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
    translate(
        cfg,
        args.checkpoint,
        args.out_root,
        dataset=args.dataset,
        scale=args.scale,
        scale_factor=args.scale_factor,
        copy_labels=args.copy_labels,
        device=args.device)
    close_distributed()


if __name__ == '__main__':
    main()
