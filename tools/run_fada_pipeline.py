"""Run all FADA stages in order, each finding the previous one's output.

Stages (paper Sec. 4.3 and Table 4) and the configs they use, for a NAME
such as ``fada_r101_gta2cs``:

1. source-only warm-up: ``configs/fada/NAME-warmup.py``
   (or ``--warmup-checkpoint`` to reuse an existing model);
2. fine-grained adversarial adaptation: ``configs/fada/NAME.py``, started
   from the warm-up's final checkpoint;
3. argmax pseudo labels of the target training set
   (``tools/gen_pseudo_labels.py --policy argmax``), written where the
   distillation config reads them;
4. self-distillation: ``configs/fada/NAME-distill.py``;
5. tests of the adapted and the distilled model (``--tta``: also
   multi-scale testing of the distilled model).

Work dirs are ``WORK_ROOT/<config name>`` (``work_dirs/...`` by default,
like ``tools/train.py``), so the fixed checkpoint paths inside the configs
hold. A stage whose output exists is skipped and trainings resume from
their last checkpoint, so rerunning the command continues an interrupted
pipeline. Example::

    python tools/run_fada_pipeline.py fada_r101_gta2cs --gpus 4 --tta

``--dry-run`` prints the commands without running them.
"""
import argparse
import glob
import json
import os.path as osp
import subprocess
import sys
from typing import Dict, List, Optional

from mmengine.config import Config, DictAction

TOOLS = osp.dirname(osp.abspath(__file__))


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Warm-up, adaptation, pseudo labels, self-distillation '
        'and tests of FADA')
    parser.add_argument(
        'name', help='config name without suffix, e.g. fada_r101_gta2cs')
    parser.add_argument('--config-dir', default='configs/fada')
    parser.add_argument(
        '--warmup-config',
        help='warm-up config (default: CONFIG_DIR/NAME-warmup.py)')
    parser.add_argument(
        '--warmup-checkpoint',
        help='use this checkpoint as the warm-up instead of training one')
    parser.add_argument('--work-root', default='work_dirs')
    parser.add_argument(
        '--pseudo-label-dir',
        help='where the pseudo labels go (default: the folder the '
        'distillation config reads)')
    parser.add_argument(
        '--seed', type=int, help='randomness.seed of every training')
    parser.add_argument(
        '--gpus',
        type=int,
        default=1,
        help='GPUs per stage; the configs\' batch sizes (totals) are '
        'divided among them')
    parser.add_argument(
        '--tta', action='store_true', help='also test with --tta')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='settings applied to every stage, key=value')
    parser.add_argument(
        '--dry-run', action='store_true', help='print the commands only')
    return parser.parse_args(argv)


def stem(config: str) -> str:
    return osp.splitext(osp.basename(config))[0]


def load(config: str, options: dict) -> Config:
    if not osp.isfile(config):
        raise FileNotFoundError(f'Stage config not found: {config}')
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(options)
    return cfg


def final_checkpoint(cfg: Config, work_dir: str) -> str:
    return osp.join(work_dir, f'iter_{cfg.train_cfg.max_iters}.pth')


def to_options(options: dict) -> List[str]:
    """``--cfg-options`` arguments of a dict (empty list for no options)."""
    if not options:
        return []
    pairs = []
    for key, value in options.items():
        if isinstance(value, (list, tuple)):
            value = json.dumps(list(value)).replace(' ', '')
        pairs.append(f'{key}={value}')
    return ['--cfg-options'] + pairs


class Pipeline:
    """The commands of the stages and their outputs."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        prefix = osp.join(args.config_dir, args.name)
        self.configs = dict(
            warmup=args.warmup_config or f'{prefix}-warmup.py',
            adapt=f'{prefix}.py',
            distill=f'{prefix}-distill.py')
        self.cfgs = {
            stage: load(config, args.cfg_options)
            for stage, config in self.configs.items()
            if not (stage == 'warmup' and args.warmup_checkpoint)
        }
        self.work_dirs = {
            stage: osp.join(args.work_root, stem(config))
            for stage, config in self.configs.items()
        }
        self.metrics: Dict[str, dict] = {}

    def run(self, command: List[str]) -> None:
        print(' '.join(command), flush=True)
        if not self.args.dry_run:
            subprocess.run(command, check=True)

    def train_options(self, stage: str) -> dict:
        """Per-stage settings: seed, per-GPU batch size, shared options."""
        options = dict(self.args.cfg_options)
        if self.args.seed is not None:
            options['randomness.seed'] = self.args.seed
        gpus = self.args.gpus
        if gpus > 1:
            batch = self.cfgs[stage].train_dataloader.batch_size
            if batch % gpus:
                raise ValueError(
                    f'{self.configs[stage]}: batch size {batch} does not '
                    f'split over {gpus} GPUs; pick another --gpus.')
            options['train_dataloader.batch_size'] = batch // gpus
        return options

    def train(self, stage: str, extra: Optional[dict] = None) -> str:
        """Train a stage unless its final checkpoint exists; return it."""
        work_dir = self.work_dirs[stage]
        checkpoint = final_checkpoint(self.cfgs[stage], work_dir)
        if osp.isfile(checkpoint):
            print(f'[{stage}] done: {checkpoint}', flush=True)
            return checkpoint
        options = dict(self.train_options(stage), **(extra or {}))
        args = ['--work-dir', work_dir, '--resume'] + to_options(options)
        if self.args.gpus > 1:
            command = [
                'bash',
                osp.join(TOOLS, 'dist_train.sh'), self.configs[stage],
                str(self.args.gpus)
            ] + args
        else:
            command = [
                sys.executable,
                osp.join(TOOLS, 'train.py'), self.configs[stage]
            ] + args
        self.run(command)
        return checkpoint

    def pseudo_label_dir(self) -> str:
        if self.args.pseudo_label_dir:
            return self.args.pseudo_label_dir
        dataset = self.cfgs['distill'].train_dataloader.dataset
        folder = dataset.data_prefix.seg_map_path
        return osp.join(dataset.get('data_root', ''), folder)

    def pseudo_labels(self, checkpoint: str) -> str:
        out_dir = self.pseudo_label_dir()
        info_file = osp.join(out_dir, 'pseudo_labels.json')
        if osp.isfile(info_file):
            with open(info_file) as f:
                if json.load(f).get('status') == 'complete':
                    print(f'[pseudo labels] done: {out_dir}', flush=True)
                    return out_dir
        args = [
            self.configs['adapt'], checkpoint, '--out-dir', out_dir,
            '--policy', 'argmax'
        ] + to_options(self.args.cfg_options)
        script = osp.join(TOOLS, 'gen_pseudo_labels.py')
        if self.args.gpus > 1:
            command = [
                sys.executable, '-m', 'torch.distributed.run',
                f'--nproc_per_node={self.args.gpus}', script
            ] + args + ['--launcher', 'pytorch']
        else:
            command = [sys.executable, script] + args
        self.run(command)
        return out_dir

    def test(self, stage: str, checkpoint: str, tta: bool = False) -> None:
        name = f'{stage}_tta' if tta else stage
        work_dir = osp.join(self.work_dirs[stage],
                            'test_tta' if tta else 'test')
        command = [
            sys.executable,
            osp.join(TOOLS, 'test.py'), self.configs[stage], checkpoint,
            '--work-dir', work_dir
        ] + (['--tta'] if tta else []) + to_options(self.args.cfg_options)
        self.run(command)
        if not self.args.dry_run:
            self.metrics[name] = last_metrics(work_dir)

    def __call__(self) -> Dict[str, dict]:
        if self.args.warmup_checkpoint:
            warmup = self.args.warmup_checkpoint
            if not self.args.dry_run and not osp.isfile(warmup):
                raise FileNotFoundError(
                    f'--warmup-checkpoint {warmup} does not exist.')
        else:
            warmup = self.train('warmup')
        adapted = self.train('adapt', {'model.segmentor_checkpoint': warmup})
        labels = self.pseudo_labels(adapted)
        distilled = self.train(
            'distill', {
                'train_dataloader.dataset.data_prefix.seg_map_path':
                osp.abspath(labels)
            })
        self.test('adapt', adapted)
        self.test('distill', distilled)
        if self.args.tta:
            self.test('distill', distilled, tta=True)
        return self.metrics


def last_metrics(work_dir: str) -> dict:
    """The metrics of the newest test run in ``work_dir``."""
    logs = sorted(glob.glob(osp.join(work_dir, '*', '*.json')))
    if not logs:
        raise FileNotFoundError(f'No json log of the test in {work_dir}.')
    with open(logs[-1]) as f:
        return json.loads(f.readlines()[-1])


def main(argv: Optional[List[str]] = None) -> Dict[str, dict]:
    args = parse_args(argv)
    metrics = Pipeline(args)()
    if metrics:
        print('\nFADA pipeline results (target, %):')
        for stage, values in metrics.items():
            subsets = ', '.join(f'{k} {values[k]:.2f}'
                                for k in ('mIoU', 'mIoU16', 'mIoU13')
                                if k in values)
            print(f'  {stage}: {subsets}')
    return metrics


if __name__ == '__main__':
    main()
