"""Generate the built-in toy domain-shift benchmark.

    python tools/dataset_converters/generate_toy_benchmark.py \
        --out-dir data/toy --seed 0 --nproc 2

writes game-like source scenes in GTA5's format (``data/toy/gta5``) and
camera-like target scenes in Cityscapes' format (``data/toy/cityscapes``);
``--pair b --out-dir data/toy-b`` writes the second built-in domain pair
(cartoon-like game -> hazy, rolled dash camera). Running it again with the
same arguments does nothing unless ``--force``.
"""
import argparse
import time

from mmengine.logging import print_log

from mmseg_uda.datasets.toy import (TOY_PAIR_ROOTS, TOY_PAIRS,
                                    describe_toy_pairs, generate_toy_benchmark)


def parse_args(args=None):
    parser = argparse.ArgumentParser(
        description='Generate the toy GTA5-like -> Cityscapes-like benchmark')
    parser.add_argument(
        '--pair',
        default='a',
        choices=sorted(TOY_PAIRS),
        help=describe_toy_pairs())
    parser.add_argument(
        '--out-dir',
        help='output root folder (default: data/toy for pair a, '
        'data/toy-b for pair b, where the toy configs read them)')
    parser.add_argument('--seed', type=int, default=0, help='benchmark seed')
    parser.add_argument('--width', type=int, default=256, help='image width')
    parser.add_argument('--height', type=int, default=128, help='image height')
    parser.add_argument('--num-source-train', type=int, default=400)
    parser.add_argument('--num-source-val', type=int, default=100)
    parser.add_argument('--num-target-train', type=int, default=400)
    parser.add_argument('--num-target-val', type=int, default=100)
    parser.add_argument(
        '--shift-strength',
        type=float,
        default=1.0,
        help='0: target looks like source, 1: default shift, >1: stronger')
    parser.add_argument(
        '--nproc', type=int, default=1, help='number of processes')
    parser.add_argument(
        '--force',
        action='store_true',
        help='regenerate even if the output matches these arguments')
    return parser.parse_args(args)


def main(args=None):
    args = parse_args(args)
    if args.out_dir is None:
        args.out_dir = TOY_PAIR_ROOTS[args.pair]
    start = time.time()
    generate_toy_benchmark(
        args.out_dir,
        seed=args.seed,
        width=args.width,
        height=args.height,
        num_source_train=args.num_source_train,
        num_source_val=args.num_source_val,
        num_target_train=args.num_target_train,
        num_target_val=args.num_target_val,
        shift_strength=args.shift_strength,
        pair=args.pair,
        nproc=args.nproc,
        force=args.force)
    print_log(
        f'toy benchmark ready in {args.out_dir} '
        f'({time.time() - start:.1f} s)',
        logger='current')


if __name__ == '__main__':
    main()
