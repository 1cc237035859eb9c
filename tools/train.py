"""Train a segmentor or a UDA model with MMEngine's Runner.

Same flags as MMSegmentation's ``tools/train.py``; importing ``mmseg_uda``
registers the plugin's modules. Before the runner is built every dataset
of the config is checked (a missing or empty folder or split file stops
with its path and the fix) and the hooks every run needs are added if the
config lacks them (``mmseg_uda.utils.REQUIRED_HOOKS``: the class-count
check and the random state that makes ``--resume`` exact).
"""
import argparse
import logging
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.logging import print_log
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.datasets.dataset_checks import check_config_datasets
from mmseg_uda.utils import (add_required_hooks, close_distributed, enable_amp,
                             init_cpu_distributed)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a segmentor')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        action='store_true',
        default=False,
        help='resume from the latest checkpoint in the work_dir')
    parser.add_argument(
        '--amp',
        action='store_true',
        default=False,
        help='mixed precision: AmpOptimWrapper for every optimizer (each '
        'child of a UDA model), float16 with dynamic loss scaling; for '
        'bfloat16 set amp_dtype="bfloat16" in the config (or '
        '--cfg-options amp_dtype=bfloat16)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value, e.g. '
        'model.adv_weights.decode_head=0.002')
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
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)

    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])

    if args.amp:
        reason = enable_amp(cfg)
        if reason:
            print_log(reason, logger='current', level=logging.WARNING)
    elif cfg.get('amp_dtype', None):
        print_log(
            f'amp_dtype={cfg.amp_dtype!r} is set but --amp is not: '
            'training in fp32.',
            logger='current',
            level=logging.WARNING)
    cfg.resume = args.resume
    add_required_hooks(cfg)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    check_config_datasets(cfg)

    init_cpu_distributed(cfg, args.launcher)
    runner = Runner.from_cfg(cfg)
    runner.train()
    close_distributed()


if __name__ == '__main__':
    main()
