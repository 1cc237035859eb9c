"""IoU metric with the class-subset mIoUs of the UDA benchmarks."""
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.logging import MMLogger, print_log
from mmseg.datasets import CityscapesDataset
from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS

from ...datasets.label_ids import SUBSET_13, SUBSET_16

#: Subsets added by ``class_subsets='auto'`` for the 19 Cityscapes classes.
CITYSCAPES_SUBSETS: Dict[str, List[int]] = dict(
    mIoU16=SUBSET_16, mIoU13=SUBSET_13)

# Keys ``IoUMetric`` may return; subset names must not shadow them.
_RESERVED_KEYS = ('aAcc', 'mIoU', 'mAcc', 'mDice', 'mFscore', 'mPrecision',
                  'mRecall')


@METRICS.register_module()
class UDAIoUMetric(IoUMetric):
    """``IoUMetric`` plus subset mIoUs and per-class IoUs.

    On top of what ``IoUMetric`` returns and logs (``aAcc``, ``mIoU``,
    ``mAcc``, the per-class table), it returns:

    - one mean IoU per class subset, e.g. ``mIoU16`` and ``mIoU13``. Like
      ``mIoU``, the mean skips classes absent from both ground truth and
      predictions (NaN) unless ``nan_to_num`` is set;
    - ``IoU.<class>`` for every class (spaces in class names become
      underscores), so json logs of different runs can be compared per
      class.

    Values are percentages rounded to two decimals, as in ``IoUMetric``.
    ``process`` raises an error when a prediction or a ground-truth map
    holds ids outside the dataset's classes, or when the ``seg_logits``
    channels do not match them, instead of silently dropping those pixels.

    Args:
        class_subsets (dict | str): ``'auto'`` adds ``mIoU16`` and ``mIoU13``
            (the papers' mIoU*) when the dataset classes are the 19
            Cityscapes classes and nothing otherwise (e.g. for the 13
            Cross-City classes, whose mIoU already is the 13-class one).
            A dict maps metric names to lists of class indices, e.g.
            ``dict(mIoU16=[0, 1, 2, ...])``; ``dict()`` adds none.
            Defaults to 'auto'.
        **kwargs: Other arguments of ``IoUMetric`` (``ignore_index``,
            ``iou_metrics``, ``nan_to_num``, ``prefix``, ...).
    """

    def __init__(self,
                 class_subsets: Union[Dict[str, Sequence[int]], str] = 'auto',
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.class_subsets = self._check_subsets(class_subsets)

    @staticmethod
    def _check_subsets(
        class_subsets: Union[Dict[str, Sequence[int]], str]
    ) -> Union[Dict[str, List[int]], str]:
        """Check the subset argument as far as possible without classes."""
        if isinstance(class_subsets, str):
            if class_subsets != 'auto':
                raise ValueError(
                    f"UDAIoUMetric: class_subsets must be 'auto' or a dict "
                    f'of name -> class indices, got {class_subsets!r}.')
            return class_subsets
        if not isinstance(class_subsets, dict):
            raise TypeError(
                "UDAIoUMetric: class_subsets must be 'auto' or a dict of "
                f'name -> class indices, got {type(class_subsets).__name__}.')
        checked = dict()
        for name, indices in class_subsets.items():
            if name in _RESERVED_KEYS or str(name).startswith('IoU.'):
                raise ValueError(
                    f'UDAIoUMetric: class subset name {name!r} clashes with '
                    'a metric of IoUMetric; choose another name.')
            indices = list(indices)
            if (not indices or
                    not all(isinstance(i, (int, np.integer)) for i in indices)
                    or len(set(indices)) != len(indices)):
                raise ValueError(
                    f'UDAIoUMetric: class subset {name!r} must be a '
                    f'non-empty list of distinct class indices, got '
                    f'{indices}.')
            checked[name] = [int(i) for i in indices]
        return checked

    @property
    def dataset_meta(self) -> Optional[dict]:
        """Meta info of the dataset; setting it validates the subsets."""
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        self._dataset_meta = dataset_meta
        if dataset_meta is not None and 'classes' in dataset_meta:
            self.resolve_subsets()

    def resolve_subsets(self) -> Dict[str, List[int]]:
        """Return the class subsets for the classes of ``dataset_meta``.

        Returns:
            dict[str, list[int]]: Metric name -> class indices.
        """
        classes = tuple(self.dataset_meta['classes'])
        if self.class_subsets == 'auto':
            if classes == tuple(CityscapesDataset.METAINFO['classes']):
                return dict(CITYSCAPES_SUBSETS)
            return dict()
        for name, indices in self.class_subsets.items():
            bad = [i for i in indices if not 0 <= i < len(classes)]
            if bad:
                raise ValueError(
                    f'UDAIoUMetric: class subset {name!r} holds indices '
                    f'{bad} outside [0, {len(classes)}) for the '
                    f'{len(classes)} dataset classes {classes}; fix '
                    '`class_subsets` in the evaluator config.')
        return self.class_subsets

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Check the class ids of a batch, then accumulate its areas.

        Args:
            data_batch (dict): A batch of data from the dataloader.
            data_samples (Sequence[dict]): A batch of outputs from the model.
        """
        num_classes = len(self.dataset_meta['classes'])
        for data_sample in data_samples:
            self._check_ids(data_sample, num_classes)
        super().process(data_batch, data_samples)

    def _check_ids(self, data_sample: dict, num_classes: int) -> None:
        """Raise if a sample's ids do not fit ``num_classes`` classes."""
        img_path = data_sample.get('img_path', '<unknown image>')
        if 'seg_logits' in data_sample:
            channels = data_sample['seg_logits']['data'].shape[0]
            # A binary head may predict one channel for two classes.
            if channels != num_classes and not (channels == 1
                                                and num_classes == 2):
                raise ValueError(
                    f'UDAIoUMetric: the model predicts {channels} classes '
                    f'for {img_path}, the dataset has {num_classes}; set '
                    "the decode head's num_classes to the dataset's.")
        pred = data_sample['pred_sem_seg']['data']
        bad = self._out_of_range(pred, num_classes, ignore_index=None)
        if bad:
            raise ValueError(
                f'UDAIoUMetric: the prediction for {img_path} holds class '
                f'ids {bad} but the dataset has {num_classes} classes; the '
                "decode head's num_classes must match the dataset's.")
        if self.format_only:
            return
        bad = self._out_of_range(data_sample['gt_sem_seg']['data'],
                                 num_classes, self.ignore_index)
        if bad:
            raise ValueError(
                f'UDAIoUMetric: the ground truth of {img_path} holds ids '
                f'{bad} that are neither in [0, {num_classes}) nor the '
                f'ignore index {self.ignore_index}; convert the labels to '
                'train ids (e.g. with a label mapping) first.')

    @staticmethod
    def _out_of_range(label: torch.Tensor, num_classes: int,
                      ignore_index: Optional[int]) -> List[int]:
        """Return the sorted ids of ``label`` outside ``[0, num_classes)``."""
        outside = (label < 0) | (label >= num_classes)
        if ignore_index is not None:
            outside &= label != ignore_index
        if not outside.any():
            return []
        return torch.unique(label[outside]).tolist()

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Compute ``IoUMetric``'s metrics, subset mIoUs and per-class IoUs.

        Args:
            results (list): The processed results of each batch.

        Returns:
            dict[str, float]: ``IoUMetric``'s metrics, one entry per class
            subset and ``IoU.<class>`` per class.
        """
        metrics = super().compute_metrics(results)
        if self.format_only:
            return metrics
        total_areas = [sum(area) for area in zip(*results)]
        iou = self.total_area_to_metrics(*total_areas, ['mIoU'],
                                         self.nan_to_num, self.beta)['IoU']
        subsets = self.resolve_subsets()
        for name, indices in subsets.items():
            metrics[name] = np.round(np.nanmean(iou[indices]) * 100, 2)
        if subsets:
            print_log(
                ', '.join(f'{name}: {metrics[name]}' for name in subsets),
                logger=MMLogger.get_current_instance())
        for name, value in zip(self.dataset_meta['classes'], iou):
            metrics['IoU.' + '_'.join(name.split())] = np.round(value * 100, 2)
        return metrics
