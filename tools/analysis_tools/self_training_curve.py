"""Student, teacher and pseudo labels over the checkpoints of a DACS run.

For every checkpoint (``iter_*.pth`` of a work dir, by iteration, or the
files named) of a mean-teacher config (DACS, DAFormer), the student's and
the EMA teacher's mIoU on the validation set and, on the labelled target
training images, the teacher's pseudo labels against the ground truth:
pixel accuracy, mIoU, the quality weight of ``QualityPseudoLabeler`` and
the accuracy of the confident (max softmax >= tau) and the other pixels.
See :mod:`mmseg_uda.apis.self_training_diagnosis`. Example::

    OMP_NUM_THREADS=1 python tools/analysis_tools/self_training_curve.py \\
        work_dirs/dacs/seed0/dacs_r18_toy-gta2cs.py work_dirs/dacs/seed0 \\
        --out work_dirs/dacs/seed0/self_training_curve.json

The label folder of the target training images is derived from the
validation set (``gtFine/val`` -> ``gtFine/train``); ``--target-train-labels``
names it otherwise.
"""
import argparse
import os.path as osp
from typing import List, Optional

from mmengine.config import Config, DictAction
from mmengine.logging import print_log
from mmengine.registry import init_default_scope

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.apis import format_curve_table, self_training_curve
from mmseg_uda.apis.self_training_diagnosis import TARGET_TRAIN_KEY


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Student / teacher mIoU and pseudo-label quality over '
        'the checkpoints of a mean-teacher self-training run')
    parser.add_argument('config', help='config of the run (DACS-type model)')
    parser.add_argument(
        'checkpoints',
        nargs='+',
        help='work dirs (their iter_*.pth) and/or checkpoint files')
    parser.add_argument(
        '--target-train-labels',
        help='folder of the target training labels (default: derived from '
        'the validation set, e.g. gtFine/val -> gtFine/train)')
    parser.add_argument(
        '--target-dataset',
        default=TARGET_TRAIN_KEY,
        help='config key of the target training set')
    parser.add_argument(
        '--student-pseudo-labels',
        action='store_true',
        help='also the statistics of the student as labeller')
    parser.add_argument(
        '--max-images',
        type=int,
        help='use only the first N images of each set')
    parser.add_argument('--num-workers', type=int, default=0)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--out', help='write the results to a json file')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> dict:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    labels = args.target_train_labels
    summary = self_training_curve(
        cfg,
        args.checkpoints,
        target_train_labels=osp.abspath(labels) if labels else None,
        max_images=args.max_images,
        student_pseudo_labels=args.student_pseudo_labels,
        target_train_key=args.target_dataset,
        num_workers=args.num_workers,
        out=args.out,
        device=args.device)
    print_log(
        f'\nSelf-training curve of {args.config} (tau '
        f'{summary["threshold"]}; mIoU in %, PL = pseudo labels of the '
        f'teacher on {summary["target_train"]["images"]} target training '
        'images)\n\n' + format_curve_table(summary),
        logger='current')
    return summary


if __name__ == '__main__':
    main()
