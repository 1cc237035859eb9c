"""Training scalars of a work dir, averaged over windows of iterations.

Reads the ``vis_data/scalars.json`` files MMEngine's ``LocalVisBackend``
writes (one line per logging interval; a resumed run adds a new timestamped
folder, later lines win) and prints, for every key starting with one of
``--keys``, its mean over consecutive windows of ``--window`` iterations:
e.g. how the discriminators' accuracies (``acc_disc.{level}.{domain}``)
move during an adaptation.

The UDA models log each optimizer's total as ``loss.{optimizer}``
(``loss.segmentor``, ``loss.discriminator``, ...: ``--keys loss.``), the
supervised terms as ``{domain}.{head}.{name}`` (``source.decode.loss_ce``),
the segmentor's adversarial terms as ``loss_adv.{level}`` and the
discriminators' as ``loss_disc.{level}.{domain}``; a stock mmseg segmentor
(and older logs) has one plain ``loss`` (``--keys loss`` matches it, and
every other key starting with ``loss``).

Example::

    python tools/analysis_tools/summarize_logs.py \\
        work_dirs/toy_benchmark/fada_r18_toy-gta2cs/seed0 \\
        --keys acc_disc encoding --window 250
    python tools/analysis_tools/summarize_logs.py WORK_DIR --keys loss.

With ``--mean`` the work dirs are runs of one setting (e.g. seeds): each
window is also given as mean +- sample std over them.
"""
import argparse
import glob
import json
import os.path as osp
import statistics
from typing import Dict, List, Optional, Sequence, Tuple


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work_dirs', nargs='+', help='training work dirs')
    parser.add_argument(
        '--keys',
        nargs='+',
        default=['acc_disc'],
        help='prefixes of the scalars to show, e.g. acc_disc (discriminator '
        'accuracies), loss. (each optimizer\'s total), loss_adv, '
        'source.decode')
    parser.add_argument(
        '--window', type=int, default=250, help='iterations per window')
    parser.add_argument(
        '--mean',
        action='store_true',
        help='also print mean +- std over the work dirs (e.g. seeds)')
    parser.add_argument('--out', help='also write the summary as json')
    return parser.parse_args(argv)


def read_scalars(work_dir: str) -> Dict[int, dict]:
    """Logged training scalars by iteration (later runs override)."""
    files = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not files:
        raise FileNotFoundError(
            f'No */vis_data/scalars.json in {work_dir}; is it the work dir '
            'of a training with the LocalVisBackend (mmseg default)?')
    by_iter = {}
    for path in files:
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if 'iter' in record and 'mIoU' not in record:
                    by_iter[int(record['iter'])] = record
    return by_iter


def summarize(by_iter: Dict[int, dict], prefixes: Sequence[str],
              window: int) -> Dict[str, Dict[str, float]]:
    """``{key: {'first-last': mean}}`` for the keys starting with a prefix.

    Args:
        by_iter (dict[int, dict]): Scalars by iteration.
        prefixes (Sequence[str]): Keys to keep.
        window (int): Iterations per window; window ``k`` holds the logged
            iterations ``k * window + 1`` to ``(k + 1) * window``.

    Returns:
        dict: Per key, the windows (named ``'start-end'``) and their means.
    """
    if window < 1:
        raise ValueError(f'--window must be at least 1, got {window}')
    keys = sorted({
        k
        for record in by_iter.values()
        for k in record if any(k.startswith(p) for p in prefixes)
    })
    result = {}
    for key in keys:
        windows: Dict[int, List[float]] = {}
        for iteration, record in sorted(by_iter.items()):
            if key in record:
                windows.setdefault((iteration - 1) // window,
                                   []).append(float(record[key]))
        result[key] = {
            f'{k * window + 1}-{(k + 1) * window}': statistics.mean(v)
            for k, v in sorted(windows.items())
        }
    return result


def mean_over_runs(
    summaries: Sequence[Dict[str, Dict[str, float]]]
) -> Dict[str, Dict[str, Tuple[float, float]]]:
    """Per key and window, mean and sample std over the runs holding it.

    A window that not every run reached counts only the runs that did; a
    single value has std 0.
    """
    result: Dict[str, Dict[str, Tuple[float, float]]] = {}
    keys = sorted({key for summary in summaries for key in summary})
    for key in keys:
        windows: Dict[str, List[float]] = {}
        for summary in summaries:
            for name, value in summary.get(key, {}).items():
                windows.setdefault(name, []).append(value)
        result[key] = {
            name: (statistics.mean(values),
                   statistics.stdev(values) if len(values) > 1 else 0.)
            for name, values in sorted(
                windows.items(), key=lambda item: int(item[0].split('-')[0]))
        }
    return result


def main(argv: Optional[List[str]] = None) -> Dict[str, dict]:
    args = parse_args(argv)
    summaries = {}
    for work_dir in args.work_dirs:
        summary = summarize(read_scalars(work_dir), args.keys, args.window)
        summaries[work_dir] = summary
        print(work_dir)
        if not summary:
            print(f'  no scalar starts with {args.keys}')
        for key, windows in summary.items():
            values = '  '.join(f'{w}: {v:.3f}' for w, v in windows.items())
            print(f'  {key}  {values}')
    if args.mean:
        means = mean_over_runs(list(summaries.values()))
        summaries['mean'] = means
        print(f'mean +- std over {len(args.work_dirs)} runs')
        for key, windows in means.items():
            values = '  '.join(f'{w}: {m:.3f} +- {s:.3f}'
                               for w, (m, s) in windows.items())
            print(f'  {key}  {values}')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(summaries, f, indent=2)
    return summaries


if __name__ == '__main__':
    main()
