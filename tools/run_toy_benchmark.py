"""Train and evaluate configs on the built-in toy benchmark over seeds.

Generates the toy benchmark if needed, trains every config once per seed,
evaluates on the toy target val set (and, with ``--eval-source``, on the
toy source val set) and prints mean and spread of mIoU. Repeating the
command reuses finished runs (their ``results.json``) and resumes
interrupted ones from their last checkpoint.

``--pair b`` runs the same configs on the second built-in domain pair: it
is generated in ``data/toy-b`` and every path of a config under
``data/toy`` is moved there (``toy_root_options``); its runs live in
``WORK_DIR/toy-b/<config>/seed<S>``, apart from pair a's
``WORK_DIR/<config>/seed<S>``. ``--cfg-options`` apply after the move, so
paths given there are used as written.

Example::

    python tools/run_toy_benchmark.py \
        configs/source_only/deeplabv2_r18_toy-gta2cs.py --seeds 0 1 2
    python tools/run_toy_benchmark.py \
        configs/source_only/deeplabv2_r18_toy-gta2cs.py --pair b
"""
import argparse
import copy
import json
import os.path as osp
import statistics
from typing import Dict, List, Optional

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.datasets.toy import (TOY_PAIR_ROOTS, TOY_PAIRS,
                                    describe_toy_pairs, generate_toy_benchmark,
                                    toy_root_options)
from mmseg_uda.utils import atomic_write

DEFAULT_CONFIGS = [
    'configs/source_only/deeplabv2_r18_toy-gta2cs.py',
    'configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py'
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'configs', nargs='*', default=DEFAULT_CONFIGS, help='configs to run')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0])
    parser.add_argument(
        '--pair',
        default='a',
        choices=sorted(TOY_PAIRS),
        help=describe_toy_pairs())
    parser.add_argument(
        '--data-root',
        help='where the pair is generated and read (default: data/toy for '
        'pair a, data/toy-b for pair b)')
    parser.add_argument('--work-dir', default='work_dirs/toy_benchmark')
    parser.add_argument(
        '--eval-source',
        action='store_true',
        help='also evaluate on the source val split (domain gap)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of every config, key=value')
    return parser.parse_args()


def run_dir(work_dir: str, pair: str, name: str, seed: int) -> str:
    """The folder of one run; pairs other than ``'a'`` get their own."""
    if pair != 'a':
        work_dir = osp.join(work_dir, f'toy-{pair}')
    return osp.join(work_dir, name, f'seed{seed}')


def run_one(config: str,
            seed: int,
            work_dir: str,
            eval_source: bool,
            cfg_options: dict,
            data_root: Optional[str] = None) -> Dict[str, dict]:
    """Train ``config`` with ``seed``; return the test metrics per domain.

    ``data_root``: read the toy benchmark there instead of ``data/toy``.
    """
    result_file = osp.join(work_dir, 'results.json')
    if osp.isfile(result_file):
        with open(result_file) as f:
            return json.load(f)
    cfg = Config.fromfile(config)
    if data_root is not None:
        cfg.merge_from_dict(toy_root_options(cfg, data_root))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    cfg.work_dir = work_dir
    cfg.randomness = dict(seed=seed)
    # an interrupted run continues from its last checkpoint; a finished one
    # is only evaluated
    cfg.resume = True
    runner = Runner.from_cfg(copy.deepcopy(cfg))
    runner.train()
    results = {'target': runner.test()}
    if eval_source:
        checkpoint = osp.join(work_dir, f'iter_{cfg.train_cfg.max_iters}.pth')
        cfg.load_from = checkpoint
        cfg.test_dataloader.dataset = cfg.source_val_dataset
        cfg.experiment_name = f'{runner.experiment_name}_source_val'
        results['source'] = Runner.from_cfg(cfg).test()
    atomic_write(result_file,
                 json.dumps(results, indent=2,
                            default=float).encode())  # numpy scalars
    return results


def summarize(name: str, runs: List[Dict[str, dict]]) -> str:
    """One line: mean +- std of mIoU per evaluated domain."""
    parts = []
    for domain in ('source', 'target'):
        values = [float(run[domain]['mIoU']) for run in runs if domain in run]
        if not values:
            continue
        std = statistics.stdev(values) if len(values) > 1 else 0.
        parts.append(f'{domain} mIoU {statistics.mean(values):.2f} '
                     f'+- {std:.2f} ({", ".join(f"{v:.2f}" for v in values)})')
    return f'{name}: ' + '; '.join(parts)


def main() -> None:
    args = parse_args()
    data_root = args.data_root or TOY_PAIR_ROOTS[args.pair]
    generate_toy_benchmark(data_root, pair=args.pair)
    lines = []
    for config in args.configs:
        name = osp.splitext(osp.basename(config))[0]
        runs = [
            run_one(config, seed, run_dir(args.work_dir, args.pair, name,
                                          seed), args.eval_source,
                    args.cfg_options, data_root) for seed in args.seeds
        ]
        lines.append(summarize(name, runs))
    print(
        '\n'.join(['', f'Toy benchmark results, pair {args.pair} (mIoU, %):'] +
                  lines))


if __name__ == '__main__':
    main()
