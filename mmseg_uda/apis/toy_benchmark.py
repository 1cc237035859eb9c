"""The built-in toy benchmark: its data for stage graphs, and seed runs.

A stage graph with ``toy_benchmark = 'data/toy'`` runs on the toy
benchmark: :func:`toy_stage_data` generates it before the first stage
(unless complete) and, for a pair other than ``'a'``, moves every stage's
paths under ``data/toy`` to that pair's root. :func:`run_toy_benchmark`
trains and evaluates configs on a pair over seeds.
"""
import copy
import functools
import json
import os.path as osp
import statistics
from typing import Dict, List, Optional, Sequence

from mmengine.config import Config
from mmengine.runner import Runner

from ..datasets.toy import (TOY_PAIR_ROOTS, generate_toy_benchmark,
                            toy_root_options)
from ..utils import atomic_write
from .stage_runner import StageData


def toy_stage_data(graph: Config,
                   pair: str = 'a',
                   graph_file: str = '') -> Optional[StageData]:
    """The :class:`StageData` of a toy stage graph on toy pair ``pair``.

    Args:
        graph (Config): The stage graph; a toy one sets ``toy_benchmark``
            (the root its configs read the toy benchmark from).
        pair (str): The built-in pair to run on. Defaults to ``'a'``.
        graph_file (str): The graph's file, for error messages.

    Returns:
        StageData | None: None for a graph that is no toy one (on pair
        ``'a'``); else the generation of the pair and, for another pair,
        the move of the paths and a ``toy-<pair>`` work folder.
    """
    toy_root = graph.get('toy_benchmark')
    if pair not in TOY_PAIR_ROOTS:
        raise ValueError(f'Unknown toy pair {pair!r}; the built-in pairs '
                         f'are {sorted(TOY_PAIR_ROOTS)}.')
    if pair != 'a' and not toy_root:
        raise ValueError(
            f'--toy-pair {pair}: {graph_file} is no toy pipeline (it sets '
            'no `toy_benchmark`).')
    if not toy_root:
        return None
    if pair == 'a':
        # a no-op when it is complete
        return StageData(
            prepare=functools.partial(
                generate_toy_benchmark, toy_root, pair=pair))
    moved_root = TOY_PAIR_ROOTS[pair]
    return StageData(
        prepare=functools.partial(
            generate_toy_benchmark, moved_root, pair=pair),
        relocate=functools.partial(
            toy_root_options, new_root=moved_root, old_root=toy_root),
        work_subdir=f'toy-{pair}')


def run_dir(work_dir: str, pair: str, name: str, seed: int) -> str:
    """The folder of one run; pairs other than ``'a'`` get their own."""
    if pair != 'a':
        work_dir = osp.join(work_dir, f'toy-{pair}')
    return osp.join(work_dir, name, f'seed{seed}')


def run_one(config: str,
            seed: int,
            work_dir: str,
            eval_source: bool,
            cfg_options: Optional[dict],
            data_root: Optional[str] = None) -> Dict[str, dict]:
    """Train ``config`` with ``seed``; return the test metrics per domain.

    A finished run (its ``results.json``) is reused; an interrupted one
    resumes from its last checkpoint.

    Args:
        config (str): The config file.
        seed (int): ``randomness.seed``.
        work_dir (str): The run's folder.
        eval_source (bool): Also evaluate on ``source_val_dataset``.
        cfg_options (dict, optional): Settings applied after the move to
            ``data_root``.
        data_root (str, optional): Read the toy benchmark there instead of
            ``data/toy``.

    Returns:
        dict: ``{'target': metrics}`` (and ``'source'``).
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


def run_toy_benchmark(configs: Sequence[str],
                      seeds: Sequence[int],
                      work_dir: str,
                      pair: str = 'a',
                      data_root: Optional[str] = None,
                      eval_source: bool = False,
                      cfg_options: Optional[dict] = None) -> List[str]:
    """Train and evaluate every config once per seed on a toy pair.

    Args:
        configs (Sequence[str]): Config files.
        seeds (Sequence[int]): The seeds.
        work_dir (str): Root of the runs (see :func:`run_dir`).
        pair (str): The built-in pair. Defaults to ``'a'``.
        data_root (str, optional): Where the pair is generated and read.
            Defaults to the pair's root in ``TOY_PAIR_ROOTS``.
        eval_source (bool): Also evaluate on the source val split.
        cfg_options (dict, optional): Settings of every config.

    Returns:
        list[str]: One :func:`summarize` line per config.
    """
    data_root = data_root or TOY_PAIR_ROOTS[pair]
    generate_toy_benchmark(data_root, pair=pair)
    lines = []
    for config in configs:
        name = osp.splitext(osp.basename(config))[0]
        runs = [
            run_one(config, seed, run_dir(work_dir, pair, name, seed),
                    eval_source, cfg_options, data_root) for seed in seeds
        ]
        lines.append(summarize(name, runs))
    return lines
