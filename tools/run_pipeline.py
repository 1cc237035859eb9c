"""Run a multi-stage method (BDL, CIRN, LDR, FADA) from a pipeline config.

A pipeline config is an ordinary MMEngine config whose ``stages`` list
names, in order, what to run::

    stages = [
        dict(name='m0', type='train',
             config='configs/source_only/deeplabv2_r18_toy-gta2cs.py'),
        dict(name='labels', type='pseudo_label', config='${m0.config}',
             checkpoint='${m0.checkpoint}', args=['--policy', 'mpt']),
        dict(name='m1', type='train', config='configs/bdl/...-ssl.py',
             cfg_options={'train_dataloader.dataset.target.data_prefix'
                          '.seg_map_path': '${labels.out_dir}'}),
        dict(name='test_m1', type='test', config='${m1.config}',
             checkpoint='${m1.checkpoint}'),
    ]

Stage types and the tools they run:

- ``train``: ``tools/train.py CONFIG --work-dir W --resume`` (or
  ``tools/dist_train.sh`` with ``--gpus N``); outputs ``work_dir``,
  ``checkpoint`` (the final ``iter_{max_iters}.pth``) and ``config``. A
  train stage whose ``checkpoint`` is set (not None) is not run: that file
  is its output. ``--given NAME=PATH`` sets it from the command line, for
  any train stage (e.g. reuse an existing warm-up: ``--given
  warmup=work_dirs/.../iter_1000.pth``);
- ``translate``: ``tools/translate.py CONFIG CHECKPOINT --out-root O``;
  outputs ``out_dir`` (the translated dataset's root);
- ``pseudo_label``: ``tools/gen_pseudo_labels.py CONFIG CHECKPOINT
  --out-dir O``; outputs ``out_dir``;
- ``test``: ``tools/test.py CONFIG CHECKPOINT --work-dir W``; outputs
  ``work_dir`` and records the metrics.

Every stage may give ``cfg_options`` (a dict) and ``args`` (extra
command-line arguments of its tool). Strings anywhere in a stage may
reference ``${stage.output}`` of an earlier stage, or ``${variable}`` /
``${variable.key}`` of the pipeline config itself, so that a ``_base_``
pipeline can name its configs in variables that children override. Outputs
live under ``WORK_ROOT/<stage name>``; WORK_ROOT is ``work_root`` of the
config, else ``work_dirs/<pipeline config name>``, plus ``seed{S}`` with
``--seed S``. ``--pipeline-options KEY=VALUE`` overrides variables of the
pipeline config (e.g. ``configs.source_only=PATH``). A pipeline config with
``toy_benchmark = 'data/toy'`` generates the built-in toy benchmark there
first unless it is complete; with ``--toy-pair b`` such a pipeline runs on
the second built-in domain pair instead: it is generated in ``data/toy-b``,
every stage's paths under ``data/toy`` are moved there (``--cfg-options``
computed per stage by ``toy_root_options``, before the pipeline's and the
command line's own) and WORK_ROOT gets a ``toy-b`` folder.

A stage is done when its record ``WORK_ROOT/stages/<name>.json`` exists;
the record is written (atomically) only after the stage's command
succeeded, and a record whose stage definition differs from the current
one (another config, checkpoint, options or arguments) stops the run
instead of being reused. Rerunning the command therefore skips finished
stages and reruns an interrupted one, whose tool resumes: trainings from
their last checkpoint, translation and labelling from the files already
written (both tools write every file under a temporary name first).
``summary.json`` in WORK_ROOT collects every stage's outputs and the test
metrics, also those of other pipelines run in the same WORK_ROOT.

Example::

    python tools/run_pipeline.py configs/bdl/bdl_r18_toy-gta2cs_pipeline.py \\
        --seed 0
"""
import argparse
import os.path as osp
from typing import Dict, List, Optional

from mmengine.config import DictAction

from mmseg_uda.apis.stage_runner import StageRunner, load_stage_graph
from mmseg_uda.apis.toy_benchmark import toy_stage_data
from mmseg_uda.datasets.toy import TOY_PAIRS, describe_toy_pairs

TOOLS = osp.dirname(osp.abspath(__file__))


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Run the stages of a pipeline config in order')
    parser.add_argument('pipeline', help='pipeline config file')
    parser.add_argument(
        '--work-root',
        help='root of all stage outputs (default: the config\'s '
        'work_root, else work_dirs/<pipeline name>)')
    parser.add_argument(
        '--seed',
        type=int,
        help='randomness.seed of every training; outputs go to '
        'WORK_ROOT/seed{S}')
    parser.add_argument(
        '--gpus',
        type=int,
        default=1,
        help='GPUs per stage (distributed launch); the configs\' batch '
        'sizes are totals, divided among them')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='settings applied to every stage\'s config, key=value')
    parser.add_argument(
        '--pipeline-options',
        nargs='+',
        action=DictAction,
        default={},
        help='override variables of the pipeline config, key=value')
    parser.add_argument(
        '--given',
        nargs='+',
        action=DictAction,
        default={},
        metavar='STAGE=CHECKPOINT',
        help='train stages not to run: use these checkpoints as their '
        'output (same config and seed)')
    parser.add_argument(
        '--toy-pair',
        default='a',
        choices=sorted(TOY_PAIRS),
        help=describe_toy_pairs() + ' a toy pipeline (one with '
        '`toy_benchmark`) runs on')
    parser.add_argument(
        '--dry-run',
        action='store_true',
        help='print the commands of the stages still to run, run nothing')
    return parser.parse_args(argv)


def build_runner(args: argparse.Namespace) -> StageRunner:
    """The stage runner of the command-line arguments."""
    graph = load_stage_graph(args.pipeline, args.pipeline_options)
    return StageRunner(
        graph,
        args.pipeline,
        work_root=args.work_root,
        seed=args.seed,
        gpus=args.gpus,
        cfg_options=args.cfg_options,
        given=args.given,
        data=toy_stage_data(graph, args.toy_pair, args.pipeline),
        tools_dir=TOOLS)


def main(argv: Optional[List[str]] = None) -> Dict[str, dict]:
    args = parse_args(argv)
    runner = build_runner(args)
    summary = runner.run(dry_run=args.dry_run)
    tests = {k: v['metrics'] for k, v in summary.items() if 'metrics' in v}
    if tests:
        print(f'\nTest results (%), {runner.work_root}/summary.json:')
        for stage, values in tests.items():
            subsets = ', '.join(f'{k} {values[k]:.2f}'
                                for k in ('mIoU', 'mIoU16', 'mIoU13')
                                if k in values)
            print(f'  {stage}: {subsets}')
    return summary


if __name__ == '__main__':
    main()
