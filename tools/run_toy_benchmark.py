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

from mmengine.config import DictAction

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.apis.toy_benchmark import run_toy_benchmark
from mmseg_uda.datasets.toy import TOY_PAIRS, describe_toy_pairs

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


def main() -> None:
    args = parse_args()
    lines = run_toy_benchmark(
        args.configs,
        args.seeds,
        args.work_dir,
        pair=args.pair,
        data_root=args.data_root,
        eval_source=args.eval_source,
        cfg_options=args.cfg_options)
    print(
        '\n'.join(['', f'Toy benchmark results, pair {args.pair} (mIoU, %):'] +
                  lines))


if __name__ == '__main__':
    main()
