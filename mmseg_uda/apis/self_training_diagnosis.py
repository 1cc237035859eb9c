"""How a mean-teacher self-training run (DACS, DAFormer) evolves.

For every checkpoint of a run this module measures, with the model built
from the run's config and the checkpoint loaded strictly (student
``segmentor.model.*`` and teacher ``teacher.model.*``):

- the mIoU of the student and of the EMA teacher on the config's
  validation set (``val_dataloader`` / ``val_evaluator``);
- on the *labelled* target training images, what the teacher's pseudo
  labels are worth: pixel accuracy and mIoU against the ground truth, the
  quality weight that :class:`QualityPseudoLabeler` gives them, and the
  accuracy of the confident pixels (max softmax >= tau) and of the others;
  optionally the same with the student as labeller.

The target training images are read as in training but without random
augmentations, batched like the training batches; the ground truth is
loaded right after the image, so that it is resized with it and compared
with the pseudo labels at the model's input size, where training uses
them. The label loader and the label files' suffix are taken from the
validation set of the same domain, the label folder is derived from it
(``leftImg8bit/val`` -> ``gtFine/val`` gives ``leftImg8bit/train`` ->
``gtFine/train``) unless given.
"""
import copy
import glob
import json
import math
import os.path as osp
import re
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import mmengine.fileio as fileio
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.dataset import BaseDataset, pseudo_collate
from mmengine.evaluator import Evaluator
from mmengine.logging import print_log
from mmengine.runner.checkpoint import _load_checkpoint
from mmengine.utils import ProgressBar
from mmseg.registry import DATASETS, MODELS
from torch import Tensor
from torch.utils.data import DataLoader, Subset

from ..datasets.transforms.pipeline_filter import (filter_pipeline,
                                                   find_label_loader,
                                                   transform_name)
from ..models.utils.ema_teacher import whole_image_logits
from ..models.utils.segmentor_checkpoint import (checkpoint_state_dict,
                                                 load_checked_state_dict)
from ..utils import atomic_write
from .inference import build_dataset, get_dataset_cfg

#: Checkpoint files of a work dir, ``iter_<iteration>.pth``.
CHECKPOINT_NAME = re.compile(r'^iter_(\d+)\.pth$')
#: The target training set of a UDA config.
TARGET_TRAIN_KEY = 'train_dataloader.dataset.target'
#: The labelled target set the label settings are taken from.
REFERENCE_KEY = 'val_dataloader.dataset'
#: Who can label the target images.
LABELLERS = ('teacher', 'student')


def checkpoint_iteration(path: str) -> Optional[int]:
    """The iteration in a checkpoint's name ``iter_<n>.pth``, else None."""
    match = CHECKPOINT_NAME.match(osp.basename(path))
    return int(match.group(1)) if match else None


def find_checkpoints(paths: Sequence[str]) -> List[Tuple[Optional[int], str]]:
    """The checkpoints of work dirs and files, sorted by iteration.

    Args:
        paths (Sequence[str]): Work dirs (their ``iter_*.pth``) and
            checkpoint files (any name).

    Returns:
        list[tuple]: ``(iteration, path)``; the iteration is read from the
        name and is None for other names, which keep their order after
        the numbered ones. A file named twice is listed once.
    """
    if not paths:
        raise ValueError('paths must name at least one work dir or '
                         'checkpoint, got none.')
    found, seen = [], set()
    for path in paths:
        if osp.isdir(path):
            files = [
                f for f in glob.glob(osp.join(path, 'iter_*.pth'))
                if checkpoint_iteration(f) is not None
            ]
            if not files:
                raise FileNotFoundError(
                    f'No checkpoint iter_<n>.pth in the work dir {path}.')
        elif osp.isfile(path):
            files = [path]
        else:
            raise FileNotFoundError(
                f'{path} is neither a work dir nor a checkpoint file.')
        for file in files:
            if osp.realpath(file) not in seen:
                seen.add(osp.realpath(file))
                found.append((checkpoint_iteration(file), file))
    # stable: unnumbered files keep their given order, after the others
    return sorted(found, key=lambda item: (item[0] is None, item[0] or 0))


def build_self_training_model(cfg: Config, device: str = 'cpu') -> nn.Module:
    """The mean-teacher model of ``cfg.model``, in eval mode.

    Raises:
        TypeError: If the model has no ``teacher`` or ``pseudo_labeler``.
    """
    model = MODELS.build(cfg.model)
    for name in ('teacher', 'pseudo_labeler'):
        if not isinstance(getattr(model, name, None), nn.Module):
            raise TypeError(
                f'cfg.model ({type(model).__name__}) has no `{name}`: this '
                'diagnosis is for mean-teacher self-training models such as '
                'DACS (DAFormer).')
    return model.to(device).eval()


def load_self_training_checkpoint(model: nn.Module, filename: str) -> dict:
    """Load every weight of ``model`` (student and teacher) from a file.

    Returns:
        dict: The checkpoint's ``meta`` (empty if it has none).

    Raises:
        CheckpointMismatchError: If the file misses weights of the model or
            has others.
    """
    checkpoint = _load_checkpoint(filename, map_location='cpu')
    load_checked_state_dict(
        model,
        checkpoint_state_dict(checkpoint),
        filename,
        allow_unexpected=False,
        opt_in='nothing: this diagnosis needs the student and the teacher',
        raw=checkpoint)
    meta = checkpoint.get('meta') if isinstance(checkpoint, dict) else None
    return dict(meta or {})


def label_folder_like(img_path: str, ref_img_path: str,
                      ref_seg_map_path: str) -> Optional[str]:
    """The label folder of ``img_path`` by the rule of a reference pair.

    The reference pair differs in its leading part and shares a tail
    (``leftImg8bit/val`` and ``gtFine/val``); the leading part of
    ``img_path`` is replaced likewise (``leftImg8bit/train`` ->
    ``gtFine/train``). None if ``img_path`` does not start like the
    reference image folder.
    """
    img_parts = ref_img_path.rstrip('/').split('/')
    seg_parts = ref_seg_map_path.rstrip('/').split('/')
    while (len(img_parts) > 1 and len(seg_parts) > 1
           and img_parts[-1] == seg_parts[-1]):
        img_parts.pop()
        seg_parts.pop()
    img_head, seg_head = '/'.join(img_parts), '/'.join(seg_parts)
    if img_path == img_head:
        return seg_head
    if img_path.startswith(img_head + '/'):
        return seg_head + img_path[len(img_head):]
    return None


def _with_label_loader(pipeline: Sequence[dict],
                       label_loader: dict) -> List[dict]:
    """``pipeline`` with ``label_loader`` right after the image loader."""
    pipeline = [copy.deepcopy(t) for t in pipeline]
    if find_label_loader(pipeline) is not None:
        return pipeline
    for i, transform in enumerate(pipeline):
        if transform_name(transform).endswith('ImageFromFile'):
            pipeline.insert(i + 1, copy.deepcopy(label_loader))
            return pipeline
    raise ValueError('The target training pipeline loads no image '
                     '(no *ImageFromFile transform); cannot add labels.')


def labelled_dataset_cfg(cfg: Config,
                         key: str = TARGET_TRAIN_KEY,
                         seg_map_path: Optional[str] = None,
                         reference_key: str = REFERENCE_KEY) -> dict:
    """The dataset at ``key`` with its ground-truth labels loaded.

    What the dataset does not set itself is taken from the labelled
    dataset at ``reference_key`` (the target validation set): the label
    loader of its pipeline (inserted after the image loader, so labels are
    resized with the image), ``seg_map_suffix`` and, unless given, the
    label folder (see :func:`label_folder_like`). Random augmentations are
    removed.

    Args:
        cfg (Config): A UDA config.
        key (str): The unlabelled dataset. Defaults to the target training
            set.
        seg_map_path (str, optional): Its label folder, as a
            ``data_prefix.seg_map_path`` (relative paths are under the
            dataset's ``data_root``). Defaults to the derived one.
        reference_key (str): The labelled dataset of the same domain.

    Returns:
        dict: The dataset config.
    """
    dataset = copy.deepcopy(get_dataset_cfg(cfg, key))
    reference = get_dataset_cfg(cfg, reference_key)
    prefix = dict(dataset.get('data_prefix') or {})
    ref_prefix = reference.get('data_prefix') or {}
    if seg_map_path is None:
        seg_map_path = prefix.get('seg_map_path')
    if seg_map_path is None and 'seg_map_path' in ref_prefix:
        seg_map_path = label_folder_like(
            prefix.get('img_path', ''), ref_prefix.get('img_path', ''),
            ref_prefix['seg_map_path'])
    if seg_map_path is None:
        raise ValueError(
            f'Cannot tell where the labels of `{key}` are (its data_prefix '
            f'{prefix} has no seg_map_path and `{reference_key}` gives no '
            'rule to derive one); pass the label folder '
            '(--target-train-labels).')
    prefix['seg_map_path'] = seg_map_path
    dataset['data_prefix'] = prefix
    if 'seg_map_suffix' not in dataset and 'seg_map_suffix' in reference:
        dataset['seg_map_suffix'] = reference['seg_map_suffix']
    label_loader = find_label_loader(dataset.get('pipeline', [])) or \
        find_label_loader(reference.get('pipeline', []))
    if label_loader is None:
        raise ValueError(f'Neither `{key}` nor `{reference_key}` has a label '
                         'loader (LoadUDAAnnotations / LoadAnnotations) in '
                         'its pipeline.')
    dataset['pipeline'] = filter_pipeline(
        _with_label_loader(dataset.get('pipeline', []), label_loader),
        augmentations=False)
    return dataset


def check_label_files(dataset: BaseDataset, name: str) -> None:
    """Raise ``FileNotFoundError`` if a sample's label file is missing."""
    backend_args = getattr(dataset, 'backend_args', None)
    missing = []
    for i in range(len(dataset)):
        path = dataset.get_data_info(i).get('seg_map_path')
        if path is None or not fileio.exists(path, backend_args=backend_args):
            missing.append(path)
    if missing:
        folder = dataset.data_prefix.get('seg_map_path')
        suffix = getattr(dataset, 'seg_map_suffix', '')
        raise FileNotFoundError(
            f'{len(missing)} of the {len(dataset)} images of `{name}` have '
            f'no label file ({suffix!r} files under {folder}; e.g. '
            f'{missing[0]}). The pseudo-label statistics compare with the '
            'ground truth of the target training images: pass their label '
            'folder with --target-train-labels DIR.')


def build_labelled_dataset(cfg: Config,
                           key: str = TARGET_TRAIN_KEY,
                           seg_map_path: Optional[str] = None) -> BaseDataset:
    """:func:`labelled_dataset_cfg` built, with its label files checked."""
    dataset = DATASETS.build(labelled_dataset_cfg(cfg, key, seg_map_path))
    check_label_files(dataset, key)
    return dataset


def make_loader(dataset: BaseDataset,
                batch_size: int,
                max_images: Optional[int] = None,
                num_workers: int = 0) -> DataLoader:
    """The first ``max_images`` samples of ``dataset`` in order."""
    if max_images is not None:
        if max_images < 1:
            raise ValueError(f'max_images must be >= 1, got {max_images}.')
        dataset = Subset(dataset, range(min(max_images, len(dataset))))
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=False,
        num_workers=num_workers,
        collate_fn=pseudo_collate)


def _metainfo(dataset) -> dict:
    """The ``metainfo`` of a dataset, also inside ``Subset``."""
    while isinstance(dataset, Subset):
        dataset = dataset.dataset
    return dict(getattr(dataset, 'metainfo', None) or {})


class PseudoLabelStatistics:
    """Running comparison of pseudo labels with the ground truth.

    Only labelled pixels (ground truth not ``ignore_index``, inside the
    image) are compared. The quality is the mean over images of the
    quality weight each image got in its batch.

    Args:
        num_classes (int): Number of classes.
        ignore_index (int): Unlabelled ground truth. Default: 255.
    """

    def __init__(self, num_classes: int, ignore_index: int = 255) -> None:
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.intersection = torch.zeros(num_classes, dtype=torch.long)
        self.pred_area = torch.zeros(num_classes, dtype=torch.long)
        self.gt_area = torch.zeros(num_classes, dtype=torch.long)
        self.labelled = 0
        self.correct = 0
        self.confident = 0
        self.confident_correct = 0
        self.quality_sum = 0.
        self.images = 0

    def update(self,
               pseudo_labels: Tensor,
               confident: Tensor,
               gt_labels: Tensor,
               quality: Tensor,
               valid: Optional[Tensor] = None) -> None:
        """Add a batch.

        Args:
            pseudo_labels (Tensor): (N, H, W) class ids.
            confident (Tensor): (N, H, W) bool, max softmax >= tau.
            gt_labels (Tensor): (N, H, W) ground truth.
            quality (Tensor): (N, ) quality weight of each image.
            valid (Tensor, optional): (N, H, W) bool, False on padding.
        """
        if not pseudo_labels.shape == confident.shape == gt_labels.shape:
            raise ValueError(
                'pseudo_labels, confident and gt_labels must have one shape, '
                f'got {tuple(pseudo_labels.shape)}, '
                f'{tuple(confident.shape)} and {tuple(gt_labels.shape)}.')
        labelled = gt_labels != self.ignore_index
        if valid is not None:
            labelled &= valid
        pred, gt = pseudo_labels[labelled].cpu(), gt_labels[labelled].cpu()
        if gt.numel() and (gt.min() < 0 or gt.max() >= self.num_classes):
            raise ValueError(
                f'gt_labels hold ids outside [0, {self.num_classes}) that '
                f'are not ignore_index={self.ignore_index}.')
        hit = pred == gt
        sure = confident[labelled].cpu()
        self.labelled += gt.numel()
        self.correct += int(hit.sum())
        self.confident += int(sure.sum())
        self.confident_correct += int((hit & sure).sum())
        count = self.num_classes
        self.intersection += torch.bincount(gt[hit], minlength=count)
        self.pred_area += torch.bincount(pred, minlength=count)
        self.gt_area += torch.bincount(gt, minlength=count)
        self.quality_sum += float(quality.float().sum())
        self.images += quality.numel()

    def compute(self) -> dict:
        """The statistics; None where nothing was counted.

        Returns:
            dict: ``acc`` (share of labelled pixels labelled right),
            ``mIoU`` (percent, over the classes in the ground truth or the
            pseudo labels), ``IoU`` (per class, percent; None for absent
            classes), ``quality``,
            ``acc_confident`` / ``acc_rest`` (accuracy of the confident /
            other labelled pixels), ``confident_share`` (of the labelled
            pixels), ``labelled_pixels`` and ``images``.
        """

        def ratio(num: float, den: float) -> Optional[float]:
            return num / den if den else None

        union = self.pred_area + self.gt_area - self.intersection
        iou = [
            100. * int(i) / int(u) if u else None
            for i, u in zip(self.intersection, union)
        ]
        present = [v for v in iou if v is not None]
        rest = self.labelled - self.confident
        return dict(
            acc=ratio(self.correct, self.labelled),
            mIoU=sum(present) / len(present) if present else None,
            IoU=iou,
            quality=ratio(self.quality_sum, self.images),
            acc_confident=ratio(self.confident_correct, self.confident),
            acc_rest=ratio(self.correct - self.confident_correct, rest),
            confident_share=ratio(self.confident, self.labelled),
            labelled_pixels=self.labelled,
            images=self.images)


@torch.no_grad()
def pseudo_label_statistics(
    model: nn.Module,
    loader: DataLoader,
    labellers: Sequence[str] = ('teacher', )
) -> Dict[str, dict]:
    """Pseudo labels of the labelled target images against their labels.

    Each batch is preprocessed as in training; the teacher's (or the
    student's) logits go through ``model.pseudo_labeler``, which gives the
    labels and the quality weight; a pixel is confident when its max
    softmax is >= ``model.pseudo_labeler.threshold``.

    Args:
        model (nn.Module): A mean-teacher model (``teacher``,
            ``pseudo_labeler``, ``model``).
        loader (DataLoader): Batches of the labelled target training set.
        labellers (Sequence[str]): ``'teacher'`` and/or ``'student'``.

    Returns:
        dict: :meth:`PseudoLabelStatistics.compute` per labeller.
    """
    unknown = [name for name in labellers if name not in LABELLERS]
    if unknown or not labellers:
        raise ValueError(f'labellers must be some of {LABELLERS}, got '
                         f'{list(labellers)}.')
    logits_of: Dict[str, Callable[[Tensor], Tensor]] = dict(
        teacher=model.teacher,
        student=lambda inputs: whole_image_logits(model.model, inputs))
    head = model.model.decode_head
    stats = {
        name: PseudoLabelStatistics(head.num_classes, head.ignore_index)
        for name in labellers
    }
    progress = ProgressBar(len(loader.dataset))
    for batch in loader:
        data = model.data_preprocessor(batch, True)
        valid = model.valid_pixels(data)
        gt_labels = torch.stack(
            [sample.gt_sem_seg.data[0] for sample in data['data_samples']])
        for name in labellers:
            logits = logits_of[name](data['inputs'])
            labels, _, quality = model.pseudo_labeler(logits, valid)
            _, confident = model.pseudo_labeler.confident_labels(logits)
            confident &= valid
            stats[name].update(labels, confident, gt_labels, quality, valid)
        progress.update(len(batch['inputs']))
    classes = _metainfo(loader.dataset).get('classes')
    results = {}
    for name, value in stats.items():
        results[name] = value.compute()
        if classes is not None and len(classes) == head.num_classes:
            results[name]['IoU'] = dict(zip(classes, results[name]['IoU']))
    return results


@torch.no_grad()
def segmentation_metrics(model: nn.Module, loader: DataLoader,
                         evaluator_cfg) -> Dict[str, dict]:
    """The metrics of ``evaluator_cfg`` for the student and the teacher.

    Args:
        model (nn.Module): A mean-teacher model.
        loader (DataLoader): The labelled validation batches.
        evaluator_cfg (dict | list): E.g. ``cfg.val_evaluator``.

    Returns:
        dict: ``student`` and ``teacher`` metrics (``mIoU`` ...).
    """
    predictors = dict(
        student=model.predict, teacher=model.teacher.model.predict)
    evaluators = {}
    for name in predictors:
        evaluators[name] = Evaluator(copy.deepcopy(evaluator_cfg))
        evaluators[name].dataset_meta = _metainfo(loader.dataset)
    progress = ProgressBar(len(loader.dataset))
    for batch in loader:
        data = model.data_preprocessor(batch, False)
        for name, predict in predictors.items():
            # predictions are written into the samples; each evaluator
            # reads them before the next model overwrites them
            outputs = predict(data['inputs'], data['data_samples'])
            evaluators[name].process(data_samples=outputs, data_batch=batch)
        progress.update(len(batch['inputs']))
    return {
        name: evaluator.evaluate(len(loader.dataset))
        for name, evaluator in evaluators.items()
    }


def _miou(metrics: dict) -> Optional[float]:
    """The ``mIoU`` of evaluator results (with or without a prefix)."""
    for key, value in metrics.items():
        if key == 'mIoU' or key.endswith('/mIoU'):
            return float(value)
    return None


def _json_safe(value):
    """Numbers as json floats (NaN as None), recursively."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    return None if math.isnan(value) else value


def diagnose_checkpoint(model: nn.Module,
                        val_loader: DataLoader,
                        train_loader: DataLoader,
                        evaluator_cfg,
                        student_pseudo_labels: bool = False) -> dict:
    """Validation metrics and pseudo-label statistics of a loaded model.

    Returns:
        dict: ``student`` / ``teacher`` (validation metrics, with
        ``mIoU``), ``teacher_pseudo_labels`` (and
        ``student_pseudo_labels``) as :func:`pseudo_label_statistics`.
    """
    model.eval()
    result = segmentation_metrics(model, val_loader, evaluator_cfg)
    labellers = ('teacher',
                 'student') if student_pseudo_labels else ('teacher', )
    stats = pseudo_label_statistics(model, train_loader, labellers)
    for name, value in stats.items():
        result[f'{name}_pseudo_labels'] = value
    return _json_safe(result)


def self_training_curve(cfg: Config,
                        checkpoints: Sequence[str],
                        target_train_labels: Optional[str] = None,
                        max_images: Optional[int] = None,
                        student_pseudo_labels: bool = False,
                        target_train_key: str = TARGET_TRAIN_KEY,
                        num_workers: int = 0,
                        out: Optional[str] = None,
                        device: str = 'cpu') -> dict:
    """Diagnose every checkpoint of a mean-teacher run.

    Args:
        cfg (Config): The run's config (a DACS-type model).
        checkpoints (Sequence[str]): Work dirs and checkpoint files (see
            :func:`find_checkpoints`).
        target_train_labels (str, optional): Label folder of the target
            training images. Defaults to the one derived from the
            validation set (:func:`labelled_dataset_cfg`).
        max_images (int, optional): Use only the first images of each set.
        student_pseudo_labels (bool): Also the statistics of the student's
            pseudo labels. Default: False.
        target_train_key (str): The target training set in ``cfg``.
        num_workers (int): Dataloader workers. Default: 0.
        out (str, optional): A json file, rewritten (atomically) after
            every checkpoint.
        device (str): Default: 'cpu'.

    Returns:
        dict: ``config``, ``threshold``, the sets used and ``checkpoints``:
        one :func:`diagnose_checkpoint` result per checkpoint, with its
        ``iteration`` and ``checkpoint`` path, by iteration.
    """
    found = find_checkpoints(checkpoints)
    model = build_self_training_model(cfg, device)
    train_set = build_labelled_dataset(cfg, target_train_key,
                                       target_train_labels)
    val_set = build_dataset(cfg, REFERENCE_KEY)
    val_loader = make_loader(val_set, cfg.val_dataloader.get('batch_size', 1),
                             max_images, num_workers)
    train_loader = make_loader(train_set, cfg.train_dataloader.batch_size,
                               max_images, num_workers)
    summary = dict(
        config=cfg.filename,
        threshold=model.pseudo_labeler.threshold,
        target_train=dict(
            key=target_train_key,
            seg_map_path=train_set.data_prefix.get('seg_map_path'),
            images=len(train_loader.dataset),
            batch_size=train_loader.batch_size),
        val_images=len(val_loader.dataset),
        checkpoints=[])
    for iteration, path in found:
        print_log(f'Diagnosing {path}', logger='current')
        meta = load_self_training_checkpoint(model, path)
        if iteration is None and meta.get('iter') is not None:
            iteration = int(meta['iter'])
        result = diagnose_checkpoint(model, val_loader, train_loader,
                                     cfg.val_evaluator, student_pseudo_labels)
        summary['checkpoints'].append(
            dict(iteration=iteration, checkpoint=path, **result))
        if out is not None:
            atomic_write(out, json.dumps(summary, indent=2).encode())
    return summary


def _cell(value: Optional[float], digits: int) -> str:
    return '-' if value is None else f'{value:.{digits}f}'


def format_curve_table(summary: dict) -> str:
    """Markdown table(s) of :func:`self_training_curve`'s results.

    mIoUs in percent, accuracies and the quality weight in [0, 1].
    """
    lines = [
        '| iteration | student mIoU | teacher mIoU | PL acc | PL mIoU | '
        'quality | acc confident | acc rest |',
        '|---:|---:|---:|---:|---:|---:|---:|---:|'
    ]
    student = []
    for result in summary['checkpoints']:
        iteration = result['iteration']
        name = str(iteration) if iteration is not None else osp.basename(
            result['checkpoint'])
        cells = [
            name,
            _cell(_miou(result['student']), 2),
            _cell(_miou(result['teacher']), 2)
        ]
        for key in ('teacher_pseudo_labels', 'student_pseudo_labels'):
            if key not in result:
                continue
            stats = result[key]
            row = [
                _cell(stats['acc'], 4),
                _cell(stats['mIoU'], 2),
                _cell(stats['quality'], 4),
                _cell(stats['acc_confident'], 4),
                _cell(stats['acc_rest'], 4)
            ]
            if key == 'teacher_pseudo_labels':
                cells += row
            else:
                student.append([name] + row)
        lines.append('| ' + ' | '.join(cells) + ' |')
    if student:
        lines += [
            '', 'Student as labeller:', '',
            '| iteration | PL acc | PL mIoU | quality | acc confident | '
            'acc rest |', '|---:|---:|---:|---:|---:|---:|'
        ]
        lines += ['| ' + ' | '.join(row) + ' |' for row in student]
    return '\n'.join(lines)
