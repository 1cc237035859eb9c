"""Run the stages of a stage graph (a multi-stage method) in order.

A stage graph is an ordinary MMEngine config whose ``stages`` list names,
in order, what to run (see ``tools/run_pipeline.py`` for the format). Each
stage runs one tool of ``tools/`` as a command; its record
``WORK_ROOT/stages/<name>.json`` is written (atomically) only after the
command succeeded, so a rerun skips finished stages and reruns an
interrupted one, whose tool resumes. A record whose stage definition
differs from the current one stops the run instead of being reused.
``WORK_ROOT/summary.json`` collects every stage's outputs and the test
metrics, also those of other stage graphs run in the same work root.

Where the data comes from is not the runner's concern: a
:class:`StageData` (e.g. :func:`mmseg_uda.apis.toy_benchmark.toy_stage_data`)
may prepare it before the first stage and move the paths of every stage.
"""
import glob
import json
import os.path as osp
import re
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional

from mmengine.config import Config

from ..utils import atomic_write

#: The ``tools/`` folder of the repository (the stages' tools).
TOOLS_DIR = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'tools')
STAGE_TYPES = ('train', 'translate', 'pseudo_label', 'test')
#: Tools run by the stage types other than ``train``.
STAGE_TOOLS = dict(
    translate='translate.py',
    pseudo_label='gen_pseudo_labels.py',
    test='test.py')
#: The flag giving each non-train tool its output folder.
OUT_FLAGS = dict(
    translate='--out-root', pseudo_label='--out-dir', test='--work-dir')
STAGE_KEYS = ('name', 'type', 'config', 'checkpoint', 'cfg_options', 'args')
REFERENCE = re.compile(r'\$\{([A-Za-z_][\w.]*)\}')


@dataclass
class StageData:
    """Where the stages of a graph read their data.

    Args:
        prepare (Callable[[], None], optional): Makes the data available;
            called before the first stage runs (not in a dry run).
        relocate (Callable[[Mapping], dict], optional): Settings that move
            the data paths of a config (or of a stage's own ``cfg_options``
            dict), e.g. to another copy of a dataset. Applied to every stage
            before the command line's settings.
        work_subdir (str, optional): A folder of the work root for the
            outputs made with this data.
    """
    prepare: Optional[Callable[[], None]] = None
    relocate: Optional[Callable[[Mapping], Dict[str, Any]]] = None
    work_subdir: Optional[str] = None


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
    """A stage's config with ``options`` merged."""
    if not osp.isfile(config):
        raise FileNotFoundError(f'Stage config not found: {config}')
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(options)
    return cfg


def load_stage_graph(graph_file: str,
                     options: Optional[dict] = None) -> Config:
    """The stage graph config of ``graph_file`` with ``options`` merged."""
    cfg = Config.fromfile(graph_file)
    cfg.merge_from_dict(options or {})
    if not cfg.get('stages'):
        raise KeyError(f'{graph_file} has no `stages` list; see '
                       'tools/run_pipeline.py for the format.')
    return cfg


def last_metrics(work_dir: str) -> dict:
    """The metrics of the newest test run in ``work_dir``."""
    logs = sorted(glob.glob(osp.join(work_dir, '*', '*.json')))
    if not logs:
        raise FileNotFoundError(f'No json log of the test in {work_dir}.')
    with open(logs[-1]) as f:
        return json.loads(f.readlines()[-1])


class StageRunner:
    """The stages of a stage graph, their commands and outputs.

    Outputs live under ``WORK_ROOT/<stage name>``; ``WORK_ROOT`` is
    ``work_root``, else the graph's ``work_root`` variable, else
    ``work_dirs/<graph file name>``, plus ``data.work_subdir`` and
    ``seed{seed}`` when given.

    Args:
        graph (Config): The stage graph (see :func:`load_stage_graph`).
        graph_file (str): Its file (names the default work root; listed in
            the summary).
        work_root (str, optional): The root of all stage outputs.
        seed (int, optional): ``randomness.seed`` of every training.
        gpus (int): Processes per stage; batch sizes of the configs are
            totals, divided among them. Defaults to 1.
        cfg_options (dict, optional): Settings of every stage's config.
        given (dict[str, str], optional): Train stage name -> checkpoint to
            use as its output instead of running it.
        data (StageData, optional): Where the stages read their data.
        tools_dir (str): The folder of the stages' tools. Defaults to
            :data:`TOOLS_DIR`.
    """

    def __init__(self,
                 graph: Config,
                 graph_file: str,
                 work_root: Optional[str] = None,
                 seed: Optional[int] = None,
                 gpus: int = 1,
                 cfg_options: Optional[dict] = None,
                 given: Optional[Dict[str, str]] = None,
                 data: Optional[StageData] = None,
                 tools_dir: str = TOOLS_DIR) -> None:
        self.cfg = graph
        self.graph_file = graph_file
        self.seed = seed
        self.gpus = gpus
        self.cfg_options = dict(cfg_options or {})
        self.data = data or StageData()
        self.tools_dir = tools_dir
        name = osp.splitext(osp.basename(graph_file))[0]
        root = (
            work_root or self.cfg.get('work_root')
            or osp.join('work_dirs', name))
        if self.data.work_subdir:
            root = osp.join(root, self.data.work_subdir)
        if seed is not None:
            root = osp.join(root, f'seed{seed}')
        self.work_root = osp.abspath(root)
        self.outputs: Dict[str, Dict[str, str]] = {}
        self.stages: List[dict] = []
        given = self._given_checkpoints(given or {})
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
        """``given``, checked against the graph's train stages."""
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
        unknown = set(stage) - set(STAGE_KEYS)
        if unknown:
            raise KeyError(
                f'Stage {name!r}: unknown keys {sorted(unknown)}; a stage '
                f'has {", ".join(STAGE_KEYS)}.')
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

        First those of ``data.relocate`` for the stage's config, then the
        runner's ``cfg_options``, then the stage's own (moved by
        ``data.relocate`` too), then the seed of a training.
        """
        options, stage_options = {}, dict(stage['cfg_options'])
        relocate = self.data.relocate
        if relocate is not None:
            options = relocate(load_config(stage['config'], {}))
            stage_options.update(relocate(stage_options))
        options.update(self.cfg_options)
        options.update(stage_options)
        if stage['type'] == 'train' and self.seed is not None:
            options['randomness.seed'] = self.seed
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
        gpus = self.gpus
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
                    osp.join(self.tools_dir, 'dist_train.sh'),
                    stage['config'],
                    str(gpus)
                ] + args
            return [
                sys.executable,
                osp.join(self.tools_dir, 'train.py'), stage['config']
            ] + args
        out = outputs['work_dir' if stage['type'] == 'test' else 'out_dir']
        args = [
            stage['config'], stage['checkpoint'], OUT_FLAGS[stage['type']],
            out
        ]
        args += list(stage['args']) + to_options(options)
        script = osp.join(self.tools_dir, STAGE_TOOLS[stage['type']])
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

    def run(self, dry_run: bool = False) -> Dict[str, dict]:
        """Run the stages still to run; return the summary.

        Args:
            dry_run (bool): Print the commands of the stages still to run,
                run nothing and write nothing. Defaults to False.
        """
        for stage in self.stages:
            given = stage['type'] == 'train' and stage.get('checkpoint')
            if given and not dry_run and not osp.isfile(given):
                raise FileNotFoundError(
                    f'Stage {stage["name"]!r}: the given checkpoint {given} '
                    'does not exist.')
        if self.data.prepare is not None and not dry_run:
            self.data.prepare()
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
            if dry_run:
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
        if not dry_run:
            self.write_summary()
        return self.summary

    def write_summary(self) -> None:
        """Write ``summary.json``, keeping the stages of other graphs run
        in the same work root (e.g. an ablation that reuses the stages of
        the main one).
        """
        write_summary(self.work_root, self.graph_file, self.seed,
                      self.summary)


def write_summary(work_root: str, graph_file: str, seed: Optional[int],
                  stages: Dict[str, dict]) -> None:
    """Merge ``stages`` of ``graph_file`` into ``WORK_ROOT/summary.json``.

    The stages and graph files already listed there are kept; stages of
    the same name are replaced.
    """
    path = osp.join(work_root, 'summary.json')
    graphs, previous_stages = [], {}
    if osp.isfile(path):
        with open(path) as f:
            previous = json.load(f)
        graphs = previous.get('pipelines', [])
        previous_stages = previous.get('stages', {})
    graph = osp.abspath(graph_file)
    summary = dict(
        pipelines=graphs + [graph] * (graph not in graphs),
        seed=seed,
        stages={
            **previous_stages,
            **stages
        })
    atomic_write(path, json.dumps(summary, indent=2).encode())
