"""Test results of pipelines run over several seeds, as one table.

Reads the stage records that ``tools/run_pipeline.py`` writes in each
``WORK_ROOT/seed<S>/stages`` folder (of every pipeline run in that work
root, e.g. a method's main and ablation pipelines) and prints, for every
test stage, the metric of each seed and its mean +- sample standard
deviation (a markdown table, as in the method READMEs).

Example::

    python tools/analysis_tools/summarize_seeds.py \\
        work_dirs/cirn_r18_toy-gta2cs_pipeline --metric mIoU
"""
import argparse
import glob
import json
import os.path as osp
import re
import statistics
from typing import Dict, List, Optional


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'work_root', help='the pipeline work root holding seed<S> folders')
    parser.add_argument('--metric', default='mIoU', help='metric to show')
    parser.add_argument(
        '--stages', nargs='+', help='test stages to show (default: all)')
    parser.add_argument('--out', help='also write the table as json')
    return parser.parse_args(argv)


def read_seeds(work_root: str, metric: str) -> Dict[str, Dict[int, float]]:
    """Test stage -> seed -> ``metric`` of every ``seed<S>/stages/*.json``.
    """
    results: Dict[str, Dict[int, float]] = {}
    seed_dirs = [
        d for d in glob.glob(osp.join(work_root, 'seed*'))
        if re.fullmatch(r'seed\d+', osp.basename(d))
    ]
    if not seed_dirs:
        raise FileNotFoundError(
            f'No seed<S> folder under {work_root}; run '
            'tools/run_pipeline.py with --seed S first.')
    for seed_dir in seed_dirs:
        seed = int(osp.basename(seed_dir)[len('seed'):])
        for path in sorted(glob.glob(osp.join(seed_dir, 'stages', '*.json'))):
            with open(path) as f:
                record = json.load(f)
            if metric in record.get('metrics', {}):
                name = osp.splitext(osp.basename(path))[0]
                results.setdefault(name, {})[seed] = record['metrics'][metric]
    return results


def mean_std(values: List[float]) -> str:
    """``mean +- sample std`` (the std needs two values)."""
    mean = statistics.mean(values)
    if len(values) < 2:
        return f'{mean:.2f}'
    return f'{mean:.2f} +- {statistics.stdev(values):.2f}'


def format_table(results: Dict[str, Dict[int, float]],
                 stages: Optional[List[str]] = None) -> str:
    """A markdown table: one row per stage, one column per seed."""
    seeds = sorted({s for per_seed in results.values() for s in per_seed})
    rows = [
        '| stage | ' + ' | '.join(f'seed {s}' for s in seeds) +
        ' | mean +- std |', '| --- ' * (len(seeds) + 2) + '|'
    ]
    for name in stages or list(results):
        if name not in results:
            raise KeyError(f'No test stage {name!r}; known: {list(results)}')
        per_seed = results[name]
        cells = [f'{per_seed[s]:.2f}' if s in per_seed else '-' for s in seeds]
        rows.append(f'| {name} | ' + ' | '.join(cells) +
                    f' | {mean_std(list(per_seed.values()))} |')
    return '\n'.join(rows)


def main(argv: Optional[List[str]] = None) -> Dict[str, Dict[int, float]]:
    args = parse_args(argv)
    results = read_seeds(args.work_root, args.metric)
    print(f'{args.metric} (%) of {args.work_root}:')
    print(format_table(results, args.stages))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(results, f, indent=2)
    return results


if __name__ == '__main__':
    main()
