"""Regenerate the target pseudo labels with the model being trained."""
import copy
import json
import logging
import os
import os.path as osp
import re
import shutil
from typing import List, Optional

from mmengine.dist import barrier, is_main_process
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.utils import scandir
from mmseg.registry import HOOKS

from ...utils import atomic_link_or_copy, atomic_write
from ..pseudo_labels.generator import (INFO_FILE, PseudoLabelGenerator,
                                       build_inference_dataset,
                                       inference_pipeline, read_info)

#: Written into ``label_dir``: which round the training currently reads.
PUBLISHED_FILE = 'pseudo_label_round.json'
_ROUND_DIR = re.compile(r'^iter_(\d+)$')


@HOOKS.register_module()
class PseudoLabelHook(Hook):
    """Regenerate target pseudo labels during training ("rounds").

    Round ``k`` labels the target set with the model after ``k`` training
    iterations, using :class:`PseudoLabelGenerator` (the same code as
    ``tools/gen_pseudo_labels.py``), into ``<out_dir>/iter_<k>``, then
    *publishes* it: every label file is hard-linked (or copied) into
    ``label_dir``, the folder the training target dataset reads
    (``data_prefix.seg_map_path``), replacing the previous file atomically
    (``os.replace``). Dataloader workers hold copies of the dataset, but
    they open the label files by path at every load, so they read the new
    round without rebuilding the dataloader, and never a half-written file.
    Rounds run at iteration 0 (``before_train``) and then every
    ``interval`` iterations, never at the last one.

    Round 0 is the model the run starts from (``load_from`` or the UDA
    model's ``segmentor_checkpoint``). With ``before_train=False`` the
    labels in ``initial_dir`` (e.g. written by ``tools/gen_pseudo_labels.
    py``) are taken as round 0 instead: they are hard-linked into
    ``<out_dir>/iter_0`` and published like any round.

    ``label_dir`` belongs to one run at a time: its
    ``pseudo_label_round.json`` names the round it holds, and a run
    republishes its own round when another run (e.g. the previous seed)
    left different labels there.
    Runs in parallel need their own ``label_dir`` (``--cfg-options``).

    Resuming at iteration ``r``: rounds after ``r`` come from a model the
    resumed run never reaches, so their folders are deleted; the latest
    round at or before ``r`` is published again if ``label_dir`` holds
    another one, and generated only if its folder is missing or
    incomplete (an interrupted round resumes: its existing files are
    kept). The hook runs before ``CheckpointHook``, so a checkpoint of
    iteration ``k`` always comes after round ``k`` finished.

    Args:
        policy (dict): Pseudo-label policy config (``TASK_UTILS``).
            Default: BDL's max-probability threshold 0.9.
        interval (int): Iterations between rounds; 0 for round 0 only.
            Default: 0.
        before_train (bool): Generate round 0 with the initial model
            before the first iteration instead of importing the labels in
            ``label_dir``. Default: True.
        label_dir (str, optional): The folder the training target dataset
            reads. Default: its ``data_prefix.seg_map_path``.
        initial_dir (str, optional): Labels taken as round 0 when
            ``before_train=False``. Default: ``label_dir``.
        out_dir (str, optional): Folder of the rounds. Default:
            ``<work_dir>/pseudo_labels``.
        dataset (dict, optional): Config of the dataset to label, with an
            inference pipeline. Default: the training target dataset
            (``train_dataloader.dataset.target``) with ``test_pipeline``
            minus its annotation loaders.
        num_workers (int): Dataloader workers of the generator. Default: 2.
    """

    priority = 'NORMAL'  # before CheckpointHook (VERY_LOW)

    def __init__(self,
                 policy: dict = dict(type='MaxProbThreshold', threshold=0.9),
                 interval: int = 0,
                 before_train: bool = True,
                 label_dir: Optional[str] = None,
                 initial_dir: Optional[str] = None,
                 out_dir: Optional[str] = None,
                 dataset: Optional[dict] = None,
                 num_workers: int = 2) -> None:
        if interval < 0:
            raise ValueError(f'interval must be >= 0, got {interval}.')
        self.generator = PseudoLabelGenerator(policy, num_workers=num_workers)
        self.interval = interval
        self.generate_before_train = before_train
        self.label_dir = label_dir
        self.initial_dir = initial_dir
        self.out_dir = out_dir
        self.dataset_cfg = dataset
        self._dataset = None

    # -- schedule -------------------------------------------------------------
    def is_round(self, iteration: int, max_iters: int) -> bool:
        """Whether a round runs after ``iteration`` training iterations."""
        if iteration == 0:
            return True
        return (self.interval > 0 and iteration % self.interval == 0
                and iteration < max_iters)

    def latest_round(self, iteration: int, max_iters: int) -> int:
        """The last round at or before ``iteration``."""
        if self.interval == 0:
            return 0
        latest = iteration - iteration % self.interval
        return min(latest, (max_iters - 1) // self.interval * self.interval)

    def round_dir(self, iteration: int) -> str:
        return osp.join(self.out_dir, f'iter_{iteration}')

    # -- hook points ----------------------------------------------------------
    def before_train(self, runner) -> None:
        self._resolve_paths(runner)
        current = runner.iter
        self._remove_rounds_after(current)
        latest = self.latest_round(current, runner.max_iters)
        info = read_info(self.round_dir(latest))
        if info is None and latest == 0 and not self.generate_before_train:
            self._import_round_0()
            info = read_info(self.round_dir(0))
        if info is not None and info['policy'] != (
                self.generator.policy.config()):
            raise ValueError(
                f'{self.round_dir(latest)} holds pseudo labels made with '
                f'{info["policy"]}, not {self.generator.policy.config()}: '
                'resume with the policy of the run, or start a new run in '
                'another work_dir.')
        if info is not None and info.get('status') == 'complete':
            if self.published_round() != osp.abspath(self.round_dir(latest)):
                self._publish(latest)
                self._restart_dataloader(runner)
            else:
                print_log(
                    f'Pseudo labels of round {latest} are in place in '
                    f'{self.label_dir}.',
                    logger='current')
            return
        if latest != current:
            print_log(
                f'Round {latest} of the pseudo labels is missing or '
                f'incomplete in {self.round_dir(latest)}; generating it with '
                f'the model of iteration {current}.',
                logger='current',
                level=logging.WARNING)
        self._run_round(runner, latest)
        self._restart_dataloader(runner)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        iteration = runner.iter + 1
        if self.is_round(iteration, runner.max_iters):
            self._run_round(runner, iteration)

    # -- rounds ---------------------------------------------------------------
    def _resolve_paths(self, runner) -> None:
        if self.out_dir is None:
            self.out_dir = osp.join(runner.work_dir, 'pseudo_labels')
        target = getattr(runner.train_dataloader.dataset, 'target_dataset',
                         None)
        if self.label_dir is None:
            if target is None or not target.data_prefix.get('seg_map_path'):
                raise ValueError(
                    'PseudoLabelHook cannot find the folder the training '
                    'target dataset reads: set label_dir, or train on a '
                    'UDADataset whose target has data_prefix.seg_map_path.')
            self.label_dir = target.data_prefix['seg_map_path']
        suffix = self.generator.policy.suffix
        if target is not None and target.seg_map_suffix != suffix:
            raise ValueError(
                f'The training target dataset reads labels ending in '
                f'{target.seg_map_suffix!r} but the '
                f'{type(self.generator.policy).__name__} policy writes '
                f"{suffix!r}: set seg_map_suffix='{suffix}' in the target "
                'dataset config.')
        label_dir, out_dir = (osp.abspath(self.label_dir),
                              osp.abspath(self.out_dir))
        if label_dir == out_dir or label_dir.startswith(out_dir + os.sep):
            raise ValueError(
                f'label_dir {self.label_dir} must not lie inside the rounds '
                f'folder out_dir {self.out_dir}.')

    def _inference_dataset(self, runner):
        if self._dataset is not None:
            return self._dataset
        if self.dataset_cfg is not None:
            if 'pipeline' not in self.dataset_cfg:
                raise ValueError(
                    'PseudoLabelHook: the dataset config needs an inference '
                    'pipeline (e.g. LoadImageFromFile, Resize, '
                    'PackSegInputs).')
            cfg, pipeline = self.dataset_cfg, self.dataset_cfg['pipeline']
        else:
            cfg = runner.cfg.train_dataloader.dataset.get('target')
            if cfg is None or 'test_pipeline' not in runner.cfg:
                raise ValueError(
                    'PseudoLabelHook: set `dataset` (the target images with '
                    'an inference pipeline): the config has no '
                    'train_dataloader.dataset.target or no test_pipeline.')
            pipeline = inference_pipeline(runner.cfg.test_pipeline)
        self._dataset = build_inference_dataset(cfg, pipeline)
        return self._dataset

    def _run_round(self, runner, iteration: int) -> None:
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        print_log(
            f'Pseudo-label round {iteration}: labelling the target set '
            f'into {self.round_dir(iteration)}.',
            logger='current')
        summary = self.generator.generate(model,
                                          self._inference_dataset(runner),
                                          self.round_dir(iteration))
        self._publish(iteration)
        runner.visualizer.add_scalars(
            {'pseudo_labels/kept_fraction': summary['kept_fraction']},
            step=iteration)

    def published_round(self) -> Optional[str]:
        """The round folder ``label_dir`` holds, None if unknown."""
        path = osp.join(self.label_dir, PUBLISHED_FILE)
        if not osp.isfile(path):
            return None
        with open(path) as f:
            return json.load(f)['round_dir']

    def _label_files(self, folder: str) -> List[str]:
        return sorted(
            scandir(
                folder, suffix=self.generator.policy.suffix, recursive=True))

    def _publish(self, iteration: int) -> None:
        if is_main_process():
            round_dir = self.round_dir(iteration)
            files = self._label_files(round_dir)
            for name in files:
                atomic_link_or_copy(
                    osp.join(round_dir, name), osp.join(self.label_dir, name))
            atomic_write(
                osp.join(self.label_dir, PUBLISHED_FILE),
                json.dumps(
                    dict(iter=iteration,
                         round_dir=osp.abspath(round_dir))).encode())
            print_log(
                f'Published pseudo-label round {iteration} ({len(files)} '
                f'files) into {self.label_dir}.',
                logger='current')
        barrier()

    def _import_round_0(self) -> None:
        """Hard-link the labels of ``initial_dir`` into round 0."""
        source = self.initial_dir or self.label_dir
        if is_main_process():
            files = self._label_files(source) if osp.isdir(source) else []
            if not files:
                raise FileNotFoundError(
                    f'No pseudo labels *{self.generator.policy.suffix} in '
                    f'{source}: generate them with '
                    'tools/gen_pseudo_labels.py, or set before_train=True '
                    'in PseudoLabelHook to generate them with the initial '
                    'model.')
            round_dir = self.round_dir(0)
            for name in files:
                atomic_link_or_copy(
                    osp.join(source, name), osp.join(round_dir, name))
            atomic_write(
                osp.join(round_dir, INFO_FILE),
                json.dumps(
                    dict(
                        policy=self.generator.policy.config(),
                        imported_from=source,
                        status='complete')).encode())
            print_log(
                f'Took the {len(files)} pseudo labels in {source} as round 0 '
                f'({round_dir}).',
                logger='current')
        barrier()

    def _remove_rounds_after(self, iteration: int) -> None:
        if is_main_process() and osp.isdir(self.out_dir):
            for name in sorted(os.listdir(self.out_dir)):
                match = _ROUND_DIR.match(name)
                if match and int(match.group(1)) > iteration:
                    shutil.rmtree(osp.join(self.out_dir, name))
                    print_log(
                        f'Removed pseudo-label round {name}: it was made '
                        f'after iteration {iteration}, where training '
                        'resumes.',
                        logger='current',
                        level=logging.WARNING)
        barrier()

    @staticmethod
    def _restart_dataloader(runner) -> None:
        """Rebuild the training dataloader so that it reads the new labels.

        ``IterBasedTrainLoop`` starts its dataloader workers when it is
        built, before any hook runs, so they may have failed on labels that
        did not exist yet or prefetched those of another round; PyTorch
        cannot restart persistent workers in the middle of an epoch. The
        dataloader is rebuilt from the config with the same seed, so the
        sample order is unchanged (a resumed loop skips the trained
        iterations after ``before_train``).
        """
        loop = runner.train_loop
        iterator = getattr(loop, 'dataloader_iterator', None)
        if iterator is None:  # epoch-based loops iterate per epoch
            return
        dataloader_cfg = runner.cfg.get('train_dataloader')
        if dataloader_cfg is None:
            print_log(
                'PseudoLabelHook: the config has no train_dataloader to '
                'rebuild; batches prefetched before round 0 may be stale.',
                logger='current',
                level=logging.WARNING)
            return
        randomness = runner.cfg.get('randomness') or {}
        loop.dataloader = runner.build_dataloader(
            copy.deepcopy(dataloader_cfg),
            seed=runner.seed,
            diff_rank_seed=randomness.get('diff_rank_seed', False))
        loop.dataloader_iterator = type(iterator)(loop.dataloader)
