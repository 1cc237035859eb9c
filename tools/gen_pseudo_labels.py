"""Write pseudo labels of a target training set with a trained model.

Example (BDL's per-class thresholds with an adapted model)::

    python tools/gen_pseudo_labels.py \
        configs/adaptsegnet/adaptsegnet_r101_gta2cs-single-level.py \
        work_dirs/adaptsegnet_r101_gta2cs-single-level/iter_120000.pth \
        --out-dir data/cityscapes/pseudo_labels/adaptsegnet \
        --policy class-median

Every image of the config's ``--dataset`` variable (default
``target_train_dataset``), read through the config's ``test_pipeline``
without its annotation loaders, is labelled one at a time into
``OUT_DIR/<path relative to data_prefix.img_path, image suffix replaced by
_pseudo.png>``; a dataset config with ``data_prefix=dict(img_path=<same>,
seg_map_path=OUT_DIR)`` and ``seg_map_suffix='_pseudo.png'`` then reads
them with mmseg's ``LoadAnnotations`` (see configs/self_training/README.md).
Rerunning the command resumes: existing labels are skipped. Multi-GPU or
multi-process CPU: ``torchrun --nproc_per_node=N tools/gen_pseudo_labels.py
... --launcher pytorch`` (each rank labels a disjoint shard).
"""
import argparse
import os
import os.path as osp
import time
from typing import List, Optional

import torch.distributed as dist
from mmengine.config import Config, DictAction
from mmengine.dist import init_dist
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.apis.pseudo_labels import (POLICIES, build_policy,
                                          generate_pseudo_labels)
from mmseg_uda.utils import close_distributed, init_cpu_distributed


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Generate pseudo labels of a target training set')
    parser.add_argument('config', help='config of the labelling model')
    parser.add_argument('checkpoint', help='checkpoint of the model')
    parser.add_argument(
        '--out-dir', required=True, help='folder of the pseudo labels')
    parser.add_argument(
        '--policy',
        default='mpt',
        help=f'labelling policy: {", ".join(POLICIES)} (BDL max-probability '
        'threshold, BDL per-class median thresholds, FADA argmax, soft '
        'probabilities) or a registered policy type')
    parser.add_argument(
        '--threshold',
        type=float,
        help='threshold of mpt (default 0.9) or cap of class-median '
        '(default 0.9)')
    parser.add_argument(
        '--dataset',
        default='target_train_dataset',
        help='config variable holding the dataset to label')
    parser.add_argument(
        '--num-workers', type=int, default=2, help='image reading workers')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch'],
        default='none',
        help='job launcher (pytorch: one shard per torchrun process)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main(argv: Optional[List[str]] = None) -> dict:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.launcher != 'none':
        init_cpu_distributed(cfg, args.launcher)
        if not dist.is_initialized():
            init_dist(args.launcher)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    os.makedirs(args.out_dir, exist_ok=True)
    timestamp = time.strftime('%Y%m%d_%H%M%S', time.localtime())
    MMLogger.get_instance(
        f'gen_pseudo_labels_{timestamp}',
        log_file=osp.join(args.out_dir, f'gen_pseudo_labels_{timestamp}.log'))
    summary = generate_pseudo_labels(
        cfg,
        args.checkpoint,
        args.out_dir,
        build_policy(args.policy, args.threshold),
        dataset=args.dataset,
        num_workers=args.num_workers)
    close_distributed()
    return summary


if __name__ == '__main__':
    main()
