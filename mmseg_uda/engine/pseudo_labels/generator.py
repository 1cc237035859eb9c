"""Stream a segmentor's predictions over a dataset into pseudo-label files.

One image at a time: the memory used does not grow with the dataset (the
only whole-dataset state is a policy's fixed-size statistics). Files are
written atomically and existing ones are skipped, so an interrupted run
resumes where it stopped; under ``torch.distributed`` every rank labels a
disjoint shard.
"""
import copy
import io
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
import torch
import torch.nn as nn
from mmengine.dataset import pseudo_collate
from mmengine.dist import all_reduce, barrier, get_dist_info
from mmengine.logging import print_log
from mmengine.utils import ProgressBar
from mmseg.registry import DATASETS, TASK_UTILS
from torch import Tensor
from torch.utils.data import DataLoader

from ...datasets.transforms.pipeline_filter import filter_pipeline
from ...utils import atomic_write
from .base_policy import IGNORE_INDEX, BasePseudoLabelPolicy

#: Written into every output folder: the policy and whether it finished.
INFO_FILE = 'pseudo_labels.json'
#: The summed statistics of a finished statistics pass.
STATISTICS_FILE = 'statistics.npz'
#: Per-rank partial statistics, so that the statistics pass resumes too.
PARTIAL_STATISTICS_DIR = '.statistics'


def pseudo_label_path(img_path: str, img_dir: str, img_suffix: str,
                      out_dir: str, suffix: str) -> str:
    """Where the pseudo label of ``img_path`` goes.

    The image's path relative to ``img_dir`` is kept and its
    ``img_suffix`` (e.g. Cityscapes' ``_leftImg8bit.png``) is replaced by
    ``suffix``, which is exactly where a dataset with
    ``data_prefix.seg_map_path=out_dir`` and ``seg_map_suffix=suffix``
    looks for the label.
    """
    rel_path = osp.relpath(img_path, img_dir)
    if rel_path.startswith(os.pardir):
        raise ValueError(
            f'Image {img_path} lies outside the dataset image folder '
            f'{img_dir}: check data_root and data_prefix.img_path.')
    if img_suffix and rel_path.endswith(img_suffix):
        stem = rel_path[:-len(img_suffix)]
    else:
        stem = osp.splitext(rel_path)[0]
    return osp.join(out_dir, stem + suffix)


def inference_pipeline(test_pipeline: Sequence[dict]) -> List[dict]:
    """``test_pipeline`` without its annotation loaders.

    The test pipelines of the dataset configs load the image, resize it as
    evaluation does and load ground truth; pseudo labelling needs all of it
    but the ground truth, which unlabelled target sets do not have.
    """
    return filter_pipeline(test_pipeline, labels=False)


def build_inference_dataset(dataset_cfg: dict, pipeline: Sequence[dict]):
    """Build ``dataset_cfg`` unlabelled, with ``pipeline``.

    ``data_prefix.seg_map_path`` is dropped: the training config of a
    self-training stage points it at the pseudo labels, which may not exist
    yet when they are being generated.
    """
    dataset_cfg = copy.deepcopy(dataset_cfg)
    data_prefix = dict(dataset_cfg.get('data_prefix') or {})
    data_prefix.pop('seg_map_path', None)
    dataset_cfg['data_prefix'] = data_prefix
    dataset_cfg['pipeline'] = list(pipeline)
    return DATASETS.build(dataset_cfg)


def probs_from_seg_logits(seg_logits: Tensor) -> Tensor:
    """Class probabilities from the ``seg_logits`` of mmseg's ``predict``.

    Multi-class logits go through a softmax; a single-channel (binary)
    output is already a sigmoid probability and becomes two channels.
    """
    if seg_logits.shape[0] == 1:
        return torch.cat([1 - seg_logits, seg_logits]).float()
    return seg_logits.float().softmax(dim=0)


def read_info(out_dir: str) -> Optional[dict]:
    """The ``INFO_FILE`` of a pseudo-label folder, None if absent."""
    info_path = osp.join(out_dir, INFO_FILE)
    if not osp.isfile(info_path):
        return None
    with open(info_path) as f:
        return json.load(f)


def _write_json(path: str, content: dict) -> None:
    atomic_write(path, json.dumps(content, indent=2).encode())


def _save_npz(path: str, arrays: Dict[str, np.ndarray]) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    atomic_write(path, buffer.getvalue())


class PseudoLabelGenerator:
    """Label a dataset with a model's predictions, one image at a time.

    Used by ``tools/gen_pseudo_labels.py`` and :class:`PseudoLabelHook`.
    ``generate`` runs the model's ``test_step`` (any mmseg segmentor or UDA
    model: their ``predict`` returns ``seg_logits`` at the original image
    size) on every image of this rank's shard, turns the probabilities into
    a label with the policy and writes ``<out_dir>/<image path relative to
    data_prefix.img_path, image suffix replaced by policy.suffix>``.

    Resuming: images whose label file exists are skipped. A policy with a
    statistics pass saves its partial statistics every
    ``statistics_interval`` images (``<out_dir>/.statistics``) and the
    summed result (``<out_dir>/statistics.npz``); an interrupted statistics
    pass continues from its last save when run again with the same number
    of ranks (with another number it restarts), and a finished one is never
    redone. ``<out_dir>/pseudo_labels.json`` records the policy: resuming
    into a folder written by other settings raises.

    Args:
        policy (BasePseudoLabelPolicy | dict): The labelling policy or its
            config (built from ``TASK_UTILS``).
        num_workers (int): Dataloader workers reading the images.
            Default: 2.
        statistics_interval (int): Images between two saves of the partial
            statistics. Default: 100.
        show_progress (bool): Show a progress bar on rank 0. Default: True.
    """

    def __init__(self,
                 policy: Union[BasePseudoLabelPolicy, dict],
                 num_workers: int = 2,
                 statistics_interval: int = 100,
                 show_progress: bool = True) -> None:
        if isinstance(policy, dict):
            policy = TASK_UTILS.build(policy)
        if not isinstance(policy, BasePseudoLabelPolicy):
            raise TypeError('policy must be a BasePseudoLabelPolicy or its '
                            f'config, got {type(policy).__name__}.')
        self.policy = policy
        self.num_workers = num_workers
        self.statistics_interval = statistics_interval
        self.show_progress = show_progress

    # -- paths ---------------------------------------------------------------
    def output_path(self, dataset, index: int, out_dir: str) -> str:
        """Where the label of ``dataset[index]`` is written."""
        img_path = dataset.get_data_info(index)['img_path']
        img_dir = dataset.data_prefix.get('img_path') or osp.dirname(img_path)
        return pseudo_label_path(img_path, img_dir,
                                 getattr(dataset, 'img_suffix', ''), out_dir,
                                 self.policy.suffix)

    # -- the two passes ------------------------------------------------------
    def generate(self, model: nn.Module, dataset, out_dir: str) -> dict:
        """Write the pseudo labels of ``dataset`` into ``out_dir``.

        Args:
            model (nn.Module): A segmentor (not wrapped by DDP) whose
                ``test_step`` returns ``SegDataSample`` with ``seg_logits``.
            dataset (BaseSegDataset): The images to label, with an
                inference pipeline (see :func:`build_inference_dataset`).
            out_dir (str): Output folder.

        Returns:
            dict: Summed over ranks: ``num_images``, ``num_labelled`` (now),
            ``num_skipped`` (existing), ``kept_fraction`` (of the pixels
            labelled now) and per class the share of pixels predicted as it
            (``predicted``) and the fraction of those kept (``kept``).
        """
        classes = (dataset.metainfo or {}).get('classes')
        if not classes:
            raise ValueError(
                f'{type(dataset).__name__} has no metainfo["classes"]; the '
                'pseudo-label report and statistics need the class names.')
        rank, world_size = get_dist_info()
        self._prepare_out_dir(out_dir, len(dataset), rank)
        shard = list(range(rank, len(dataset), world_size))
        was_training = model.training
        model.eval()
        try:
            if self.policy.needs_statistics:
                self._statistics_pass(model, dataset, shard, out_dir,
                                      len(classes), rank, world_size)
            todo = [
                index for index in shard
                if not osp.isfile(self.output_path(dataset, index, out_dir))
            ]
            counts = self._labelling_pass(model, dataset, todo, out_dir,
                                          len(classes), rank)
        finally:
            model.train(was_training)
        counts['num_skipped'] = np.array([len(shard) - len(todo)])
        for value in counts.values():
            tensor = torch.from_numpy(value)
            all_reduce(tensor, op='sum')
            value[...] = tensor.numpy()
        summary = self._summary(counts, classes, len(dataset))
        barrier()
        if rank == 0:
            info = read_info(out_dir)
            info.update(status='complete', summary=summary)
            _write_json(osp.join(out_dir, INFO_FILE), info)
            print_log(self.format_summary(summary, out_dir), logger='current')
        barrier()
        return summary

    def _prepare_out_dir(self, out_dir: str, num_images: int,
                         rank: int) -> None:
        config = self.policy.config()
        info = read_info(out_dir)
        if info is not None and info.get('policy') != config:
            raise ValueError(
                f'{out_dir} holds pseudo labels made with {info["policy"]}, '
                f'not {config}: pick another output folder or delete '
                f'{out_dir}.')
        barrier()
        if rank == 0 and info is None:
            _write_json(
                osp.join(out_dir, INFO_FILE),
                dict(policy=config, num_images=num_images, status='running'))
        barrier()

    def _loader(self, dataset, indices: List[int]) -> DataLoader:
        return DataLoader(
            dataset,
            batch_size=1,
            sampler=indices,
            num_workers=self.num_workers if indices else 0,
            collate_fn=pseudo_collate)

    def _progress(self, num_tasks: int, rank: int) -> Optional[ProgressBar]:
        if rank != 0 or not self.show_progress or num_tasks == 0:
            return None
        return ProgressBar(num_tasks)

    @staticmethod
    @torch.no_grad()
    def _predict_probs(model: nn.Module, batch: dict) -> Tensor:
        data_sample = model.test_step(batch)[0]
        return probs_from_seg_logits(data_sample.seg_logits.data)

    def _statistics_pass(self, model: nn.Module, dataset, shard: List[int],
                         out_dir: str, num_classes: int, rank: int,
                         world_size: int) -> None:
        final_path = osp.join(out_dir, STATISTICS_FILE)
        if osp.isfile(final_path):
            with np.load(final_path) as saved:
                self.policy.load_statistics_state(dict(saved))
            print_log(
                f'Reusing the statistics of {final_path}: '
                f'{self.policy.describe_statistics()}',
                logger='current')
            return
        partial_path = osp.join(out_dir, PARTIAL_STATISTICS_DIR,
                                f'rank{rank}-of-{world_size}.npz')
        self.policy.reset_statistics(num_classes)
        num_done = 0
        if osp.isfile(partial_path):
            with np.load(partial_path) as saved:
                state = dict(saved)
            num_done = int(state.pop('num_done'))
            self.policy.load_statistics_state(state)
            print_log(
                f'Statistics pass: resuming after {num_done} images '
                f'({partial_path}).',
                logger='current')
        todo = shard[num_done:]
        progress = self._progress(len(todo), rank)
        for batch in self._loader(dataset, todo):
            self.policy.update_statistics(self._predict_probs(model, batch))
            num_done += 1
            if num_done % self.statistics_interval == 0:
                self._save_partial(partial_path, num_done)
            if progress is not None:
                progress.update()
        self._save_partial(partial_path, num_done)

        state = self.policy.statistics_state()
        for value in state.values():
            tensor = torch.from_numpy(value)
            all_reduce(tensor, op='sum')
            value[...] = tensor.numpy()
        self.policy.load_statistics_state(state)
        barrier()
        if rank == 0:
            _save_npz(final_path, state)
        barrier()
        print_log(
            f'Statistics pass done: {self.policy.describe_statistics()}',
            logger='current')

    def _save_partial(self, path: str, num_done: int) -> None:
        state = dict(self.policy.statistics_state())
        state['num_done'] = np.array(num_done)
        _save_npz(path, state)

    def _labelling_pass(self, model: nn.Module, dataset, todo: List[int],
                        out_dir: str, num_classes: int,
                        rank: int) -> Dict[str, np.ndarray]:
        counts = dict(
            predicted=np.zeros(num_classes, np.int64),
            kept=np.zeros(num_classes, np.int64),
            num_labelled=np.zeros(1, np.int64))
        progress = self._progress(len(todo), rank)
        for index, batch in zip(todo, self._loader(dataset, todo)):
            predicted, kept = self._label_one(
                model, batch, self.output_path(dataset, index, out_dir),
                num_classes)
            counts['predicted'] += predicted
            counts['kept'] += kept
            counts['num_labelled'] += 1
            if progress is not None:
                progress.update()
        return counts

    def _label_one(self, model: nn.Module, batch: dict, path: str,
                   num_classes: int) -> tuple:
        """Label and write one image; return its per-class pixel counts.

        Kept in its own function so that the image's probabilities are
        released before the next image is predicted.
        """
        probs = self._predict_probs(model, batch)
        if probs.shape[0] != num_classes:
            raise ValueError(
                f'The model predicts {probs.shape[0]} classes but the '
                f'dataset has {num_classes}.')
        label = self.policy(probs)
        atomic_write(path, self.policy.encode(label))
        predicted = torch.bincount(
            probs.argmax(dim=0).flatten().cpu(), minlength=num_classes)
        hard = self.policy.hard_label(label)
        kept = np.bincount(
            hard[hard != IGNORE_INDEX].ravel(), minlength=num_classes)
        return predicted.numpy(), kept[:num_classes]

    # -- report --------------------------------------------------------------
    @staticmethod
    def _summary(counts: Dict[str, np.ndarray], classes: Sequence[str],
                 num_images: int) -> dict:
        predicted, kept = counts['predicted'], counts['kept']
        total = int(predicted.sum())
        per_class = {}
        for name, num_predicted, num_kept in zip(classes, predicted, kept):
            per_class[name] = dict(
                predicted=float(num_predicted / total) if total else 0.,
                kept=(float(num_kept /
                            num_predicted) if num_predicted else 0.))
        return dict(
            num_images=num_images,
            num_labelled=int(counts['num_labelled'][0]),
            num_skipped=int(counts['num_skipped'][0]),
            kept_fraction=float(kept.sum() / total) if total else 0.,
            classes=per_class)

    @staticmethod
    def format_summary(summary: dict, out_dir: str) -> str:
        """A log table: per class, share predicted and fraction kept."""
        lines = [
            f'Pseudo labels in {out_dir}: {summary["num_labelled"]} images '
            f'labelled, {summary["num_skipped"]} already there (skipped), '
            f'of {summary["num_images"]}.'
        ]
        if summary['num_labelled']:
            width = max(len(name) for name in summary['classes'])
            lines.append(f'{"class":<{width}}  predicted  kept')
            for name, stats in summary['classes'].items():
                lines.append(f'{name:<{width}}  {stats["predicted"]:>8.2%}  '
                             f'{stats["kept"]:>6.1%}')
            lines.append(f'{"all":<{width}}  {1:>8.2%}  '
                         f'{summary["kept_fraction"]:>6.1%}')
            lines.append('(predicted: share of the labelled pixels predicted '
                         'as the class; kept: fraction of those not '
                         'ignored)')
        return '\n'.join(lines)
