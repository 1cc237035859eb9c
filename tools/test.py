"""Evaluate a checkpoint (segmentor or UDA model) on a config's test set.

Same flags as MMSegmentation's ``tools/test.py``.
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.models.utils.segmentor_checkpoint import load_test_checkpoint
from mmseg_uda.utils import (add_required_hooks, close_distributed,
                             init_cpu_distributed)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a segmentor')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--allow-partial',
        action='store_true',
        help='evaluate even if the checkpoint lacks some of the weights the '
        'predictions use (they keep their initial values; the counts are '
        'logged). Without it such a checkpoint stops the run.')
    parser.add_argument('--work-dir', help='the dir to save metrics')
    parser.add_argument(
        '--out', help='dir to save the predicted label maps (png)')
    parser.add_argument('--show', action='store_true', help='show results')
    parser.add_argument(
        '--show-dir', help='dir to save the painted predictions')
    parser.add_argument(
        '--wait-time', type=float, default=2, help='the interval of show')
    parser.add_argument(
        '--show-interval',
        type=int,
        default=1,
        help='with --show/--show-dir, draw every N-th test batch (default: '
        'every image; mmseg\'s hook alone draws every 50th)')
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
    parser.add_argument(
        '--tta', action='store_true', help='multi-scale + flip testing')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def enable_visualization(cfg: Config, args: argparse.Namespace) -> None:
    """Turn on mmseg's ``SegVisualizationHook`` for --show / --show-dir."""
    hook = cfg.default_hooks.get('visualization')
    if hook is None:
        raise RuntimeError('--show/--show-dir need a "visualization" entry '
                           '(SegVisualizationHook) in default_hooks.')
    hook['draw'] = True
    hook['interval'] = args.show_interval
    if args.show:
        hook['show'] = True
        hook['wait_time'] = args.wait_time
    if args.show_dir:
        cfg.visualizer['save_dir'] = args.show_dir


def load_checkpoint(runner: Runner, filename: str,
                    allow_partial: bool) -> None:
    """Load ``filename`` as the runner would, but stop on missing weights.

    A file must hold every weight the predictions use (see
    :func:`load_test_checkpoint`); ``--allow-partial`` loads what matches.
    """
    checkpoint = _load_checkpoint(filename, map_location='cpu')
    runner.call_hook('after_load_checkpoint', checkpoint=checkpoint)
    load_test_checkpoint(
        runner.model,
        filename,
        allow_partial=allow_partial,
        checkpoint=checkpoint)
    runner.logger.info(f'Load checkpoint from {filename}')


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
    # loaded below, checked against the model (mmengine's runner would
    # load a file with other key names without stopping)
    cfg.load_from = None
    add_required_hooks(cfg)

    if args.show or args.show_dir:
        enable_visualization(cfg, args)
    if args.tta:
        if 'tta_model' not in cfg or 'tta_pipeline' not in cfg:
            raise KeyError('--tta needs `tta_model` and `tta_pipeline` in '
                           'the config (see configs/_base_/datasets).')
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
        cfg.tta_model.module = cfg.model
        cfg.model = cfg.tta_model
    if args.out is not None:
        cfg.test_evaluator['output_dir'] = args.out
        cfg.test_evaluator['keep_results'] = True
    init_cpu_distributed(cfg, args.launcher)
    runner = Runner.from_cfg(cfg)
    load_checkpoint(runner, args.checkpoint, args.allow_partial)
    runner.test()
    close_distributed()


if __name__ == '__main__':
    main()
