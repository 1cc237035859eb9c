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
import glob
import json
import os.path as osp
import re
import subprocess
import sys
from typing import Any, Dict, List, Optional

from mmengine.config import Config, DictAction

from mmseg_uda.datasets.toy import (TOY_PAIR_ROOTS, TOY_PAIRS,
                                    describe_toy_pairs, generate_toy_benchmark,
                                    toy_root_options)
from mmseg_uda.utils import atomic_write

TOOLS = osp.dirname(osp.abspath(__file__))
STAGE_TYPES = ('train', 'translate', 'pseudo_label', 'test')
#: Tools run by the stage types.
STAGE_TOOLS = dict(
    translate='translate.py',
    pseudo_label='gen_pseudo_labels.py',
    test='test.py')
REFERENCE = re.compile(r'\$\{([A-Za-z_][\w.]*)\}')


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


def to_options(options: dict) -> List[str]:
    """``--cfg-options`` arguments of a dict, leaving out None values."""
    options = {k: v for k, v in options.items() if v is not None}
    if not options:
        return []
    pairs = []
    for key, value in options.items():
        if isinstance(value, (list, tuple)):
            value = json.dumps(list(value)).replace(' ', '')
        pairs.append(f'{key}={value}')
    return ['--cfg-options'] + pairs


def load_config(config: str, options: dict) -> Config:
    if not osp.isfile(config):
        raise FileNotFoundError(f'Stage config not found: {config}')
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(options)
    return cfg


def last_metrics(work_dir: str) -> dict:
    """The metrics of the newest test run in ``work_dir``."""
    logs = sorted(glob.glob(osp.join(work_dir, '*', '*.json')))
    if not logs:
        raise FileNotFoundError(f'No json log of the test in {work_dir}.')
    with open(logs[-1]) as f:
        return json.loads(f.readlines()[-1])


class Pipeline:
    """The stages of a pipeline config, their commands and outputs.

    Args:
        args (argparse.Namespace): The command-line arguments.
    """

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.cfg = Config.fromfile(args.pipeline)
        self.cfg.merge_from_dict(args.pipeline_options)
        if not self.cfg.get('stages'):
            raise KeyError(f'{args.pipeline} has no `stages` list; see '
                           'tools/run_pipeline.py for the format.')
        name = osp.splitext(osp.basename(args.pipeline))[0]
        root = (
            args.work_root or self.cfg.get('work_root')
            or osp.join('work_dirs', name))
        self.toy_root = self.cfg.get('toy_benchmark')
        self.toy_pair = args.toy_pair
        self.moved_toy_root = None  # where the stages read the toy data
        if self.toy_pair != 'a':
            if not self.toy_root:
                raise ValueError(
                    f'--toy-pair {self.toy_pair}: {args.pipeline} is no toy '
                    'pipeline (it sets no `toy_benchmark`).')
            self.moved_toy_root = TOY_PAIR_ROOTS[self.toy_pair]
            root = osp.join(root, f'toy-{self.toy_pair}')
        if args.seed is not None:
            root = osp.join(root, f'seed{args.seed}')
        self.work_root = osp.abspath(root)
        self.outputs: Dict[str, Dict[str, str]] = {}
        self.stages = []
        given = self._given_checkpoints(args.given)
        for index, stage in enumerate(self.cfg.stages):
            stage = self._check(stage, index)
            if stage['name'] in given:
                stage['checkpoint'] = given[stage['name']]
            stage = self.resolve(stage, where=f'stage {stage["name"]!r}')
            self.outputs[stage['name']] = self._stage_outputs(stage)
            self.stages.append(stage)
        self.summary: Dict[str, dict] = {}

    # -- the stage list -------------------------------------------------
    def _given_checkpoints(self, given: dict) -> Dict[str, str]:
        """``--given``, checked against the pipeline's train stages."""
        train_stages = [
            s.get('name') for s in self.cfg.stages if s.get('type') == 'train'
        ]
        for name, checkpoint in given.items():
            if name not in train_stages:
                raise KeyError(
                    f'--given {name}=...: the pipeline has no train stage '
                    f'{name!r}; its train stages are {train_stages}.')
            if not isinstance(checkpoint, str) or not checkpoint:
                raise ValueError(
                    f'--given {name}=...: expected a checkpoint path, got '
                    f'{checkpoint!r}.')
        return dict(given)

    def _check(self, stage: dict, index: int) -> dict:
        stage = dict(stage)
        name = stage.get('name')
        if not name or not re.fullmatch(r'[A-Za-z_]\w*', name):
            raise ValueError(
                f'Stage {index} needs a `name` made of letters, digits and '
                f'underscores, got {name!r}.')
        if name in self.outputs:
            raise ValueError(f'Two stages are named {name!r}.')
        if name in self.cfg:
            raise ValueError(
                f'Stage name {name!r} is also a variable of the pipeline '
                'config; ${...} references would be ambiguous.')
        if stage.get('type') not in STAGE_TYPES:
            raise ValueError(f'Stage {name!r}: type must be one of '
                             f'{STAGE_TYPES}, got {stage.get("type")!r}.')
        required = ['config'
                    ] + ([] if stage['type'] == 'train' else ['checkpoint'])
        for key in required:
            if not stage.get(key):
                raise KeyError(f'Stage {name!r} ({stage["type"]}) needs '
                               f'`{key}`.')
        unknown = set(stage) - {
            'name', 'type', 'config', 'checkpoint', 'cfg_options', 'args'
        }
        if unknown:
            raise KeyError(
                f'Stage {name!r}: unknown keys {sorted(unknown)}; a stage '
                'has name, type, config, checkpoint, cfg_options, args.')
        stage.setdefault('cfg_options', {})
        stage.setdefault('args', [])
        return stage

    def resolve(self, value: Any, where: str) -> Any:
        """Replace ``${...}`` references in strings, lists and dicts."""
        if isinstance(value, str):
            full = REFERENCE.fullmatch(value)
            if full:  # keep the referenced value's type (e.g. a number)
                return self._lookup(full.group(1), where)
            return REFERENCE.sub(
                lambda m: str(self._lookup(m.group(1), where)), value)
        if isinstance(value, (list, tuple)):
            return type(value)(self.resolve(v, where) for v in value)
        if isinstance(value, dict):
            return {k: self.resolve(v, where) for k, v in value.items()}
        return value

    def _lookup(self, reference: str, where: str) -> Any:
        head, *keys = reference.split('.')
        if head in self.outputs:
            if len(keys) != 1 or keys[0] not in self.outputs[head]:
                raise KeyError(
                    f'{where}: ${{{reference}}}: stage {head!r} provides '
                    f'{sorted(self.outputs[head])}.')
            return self.outputs[head][keys[0]]
        if head == 'stages' or head not in self.cfg:
            raise KeyError(
                f'{where}: ${{{reference}}} names neither an earlier stage '
                f'({sorted(self.outputs)}) nor a variable of the pipeline '
                'config.')
        value = self.cfg[head]
        for key in keys:
            value = value[key]
        return self.resolve(value, where)

    def _stage_outputs(self, stage: dict) -> Dict[str, str]:
        out = osp.join(self.work_root, stage['name'])
        outputs = dict(config=stage['config'])
        if stage['type'] == 'train' and stage.get('checkpoint'):
            outputs.update(
                work_dir=osp.dirname(osp.abspath(stage['checkpoint'])),
                checkpoint=stage['checkpoint'])
        elif stage['type'] == 'train':
            cfg = load_config(stage['config'], self.config_options(stage))
            outputs.update(
                work_dir=out,
                checkpoint=osp.join(out,
                                    f'iter_{cfg.train_cfg.max_iters}.pth'))
        else:
            outputs['checkpoint'] = stage['checkpoint']
            key = 'work_dir' if stage['type'] == 'test' else 'out_dir'
            outputs[key] = out
        return outputs

    # -- commands ----------------------------------------------------------
    def config_options(self, stage: dict) -> dict:
        """The settings a stage's tool gets with ``--cfg-options``.

        With ``--toy-pair``, first those that move the stage config's toy
        paths; the stage's own settings are moved too.
        """
        options, stage_options = {}, dict(stage['cfg_options'])
        if self.moved_toy_root is not None:
            options = toy_root_options(
                load_config(stage['config'], {}), self.moved_toy_root,
                self.toy_root)
            stage_options.update(
                toy_root_options(stage_options, self.moved_toy_root,
                                 self.toy_root))
        options.update(self.args.cfg_options)
        options.update(stage_options)
        if stage['type'] == 'train' and self.args.seed is not None:
            options['randomness.seed'] = self.args.seed
        return options

    def definition(self, stage: dict) -> dict:
        """What a stage computes, independent of how many GPUs run it."""
        options = {
            k: v
            for k, v in self.config_options(stage).items() if v is not None
        }
        return json.loads(
            json.dumps(
                dict(
                    config=stage['config'],
                    checkpoint=stage.get('checkpoint'),
                    cfg_options=options,
                    args=list(stage['args']))))

    def command(self, stage: dict) -> List[str]:
        """The command line of a stage."""
        options = self.config_options(stage)
        outputs = self.outputs[stage['name']]
        gpus = self.args.gpus
        if stage['type'] == 'train':
            if gpus > 1:
                cfg = load_config(stage['config'], options)
                batch = cfg.train_dataloader.batch_size
                if batch % gpus:
                    raise ValueError(
                        f'Stage {stage["name"]!r}: batch size {batch} does '
                        f'not split over {gpus} GPUs; pick another --gpus.')
                options['train_dataloader.batch_size'] = batch // gpus
            args = ['--work-dir', outputs['work_dir'], '--resume']
            args += list(stage['args']) + to_options(options)
            if gpus > 1:
                return [
                    'bash',
                    osp.join(TOOLS, 'dist_train.sh'), stage['config'],
                    str(gpus)
                ] + args
            return [
                sys.executable,
                osp.join(TOOLS, 'train.py'), stage['config']
            ] + args
        out_flag = dict(
            translate='--out-root',
            pseudo_label='--out-dir',
            test='--work-dir')[stage['type']]
        out = outputs['work_dir' if stage['type'] == 'test' else 'out_dir']
        args = [stage['config'], stage['checkpoint'], out_flag, out]
        args += list(stage['args']) + to_options(options)
        script = osp.join(TOOLS, STAGE_TOOLS[stage['type']])
        if gpus > 1:
            return [
                sys.executable, '-m', 'torch.distributed.run',
                f'--nproc_per_node={gpus}', script
            ] + args + ['--launcher', 'pytorch']
        return [sys.executable, script] + args

    def run_command(self, command: List[str]) -> None:
        """Run one stage's command; raise if it fails."""
        subprocess.run(command, check=True)

    # -- running -----------------------------------------------------------
    def record_file(self, name: str) -> str:
        return osp.join(self.work_root, 'stages', f'{name}.json')

    def __call__(self) -> Dict[str, dict]:
        """Run the stages still to run; return the summary."""
        for stage in self.stages:
            given = stage['type'] == 'train' and stage.get('checkpoint')
            if given and not self.args.dry_run and not osp.isfile(given):
                raise FileNotFoundError(
                    f'Stage {stage["name"]!r}: the given checkpoint {given} '
                    'does not exist.')
        if self.toy_root and not self.args.dry_run:
            # a no-op when it is complete
            generate_toy_benchmark(
                self.moved_toy_root or self.toy_root, pair=self.toy_pair)
        for stage in self.stages:
            name = stage['name']
            record_file = self.record_file(name)
            if osp.isfile(record_file):
                with open(record_file) as f:
                    record = json.load(f)
                if record.get('definition') != self.definition(stage):
                    raise ValueError(
                        f'Stage {name!r} ran with another definition than '
                        f'the pipeline gives now (see {record_file}); delete '
                        'that record (and the stage\'s outputs) to run it '
                        'again, or use another --work-root.')
                self.summary[name] = record
                print(f'[{name}] done', flush=True)
                continue
            if stage['type'] == 'train' and stage.get('checkpoint'):
                print(f'[{name}] given: {stage["checkpoint"]}', flush=True)
                self.summary[name] = dict(
                    type='train', given=True, outputs=self.outputs[name])
                continue
            command = self.command(stage)
            print(f'[{name}] ' + ' '.join(command), flush=True)
            if self.args.dry_run:
                continue
            self.run_command(command)
            record = dict(
                type=stage['type'],
                definition=self.definition(stage),
                command=command,
                outputs=self.outputs[name])
            if stage['type'] == 'test':
                record['metrics'] = last_metrics(
                    self.outputs[name]['work_dir'])
            atomic_write(record_file, json.dumps(record, indent=2).encode())
            self.summary[name] = record
            self.write_summary()
        if not self.args.dry_run:
            self.write_summary()
        return self.summary

    def write_summary(self) -> None:
        """Write ``summary.json``, keeping the stages of other pipelines
        run in the same work root (e.g. an ablation pipeline that reuses
        the stages of the main one).
        """
        path = osp.join(self.work_root, 'summary.json')
        pipelines, stages = [], {}
        if osp.isfile(path):
            with open(path) as f:
                previous = json.load(f)
            pipelines = previous.get('pipelines', [])
            stages = previous.get('stages', {})
        pipeline = osp.abspath(self.args.pipeline)
        summary = dict(
            pipelines=pipelines + [pipeline] * (pipeline not in pipelines),
            seed=self.args.seed,
            stages={
                **stages,
                **self.summary
            })
        atomic_write(path, json.dumps(summary, indent=2).encode())


def main(argv: Optional[List[str]] = None) -> Dict[str, dict]:
    args = parse_args(argv)
    pipeline = Pipeline(args)
    summary = pipeline()
    tests = {k: v['metrics'] for k, v in summary.items() if 'metrics' in v}
    if tests:
        print(f'\nTest results (%), {pipeline.work_root}/summary.json:')
        for stage, values in tests.items():
            subsets = ', '.join(f'{k} {values[k]:.2f}'
                                for k in ('mIoU', 'mIoU16', 'mIoU13')
                                if k in values)
            print(f'  {stage}: {subsets}')
    return summary


if __name__ == '__main__':
    main()
