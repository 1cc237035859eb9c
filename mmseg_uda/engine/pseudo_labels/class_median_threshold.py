"""BDL's per-class thresholds: median confidence per class, capped."""
from typing import Dict, Optional

import numpy as np
import torch
from mmseg.registry import TASK_UTILS
from torch import Tensor

from .base_policy import IGNORE_INDEX, BasePseudoLabelPolicy


@TASK_UTILS.register_module()
class ClassMedianThreshold(BasePseudoLabelPolicy):
    """Per-class thresholds from the median confidence over the dataset.

    The self-supervised learning step of BDL's official code: the threshold
    of class ``c`` is ``min(max_threshold, median confidence of the pixels
    predicted as c over the whole dataset)``; a pixel keeps its argmax class
    when its confidence reaches the threshold of that class and becomes
    :data:`IGNORE_INDEX` otherwise.

    Instead of holding every confidence of the dataset (BDL's script keeps
    two float64 arrays of the whole target set, about 12.5 GB each), the
    statistics pass fills one histogram of ``num_bins`` equal bins over
    [0, 1] per class, a ``(C, num_bins)`` int64 array whatever the dataset
    size. The median of class ``c`` is the confidence at sorted position
    ``n_c // 2`` (BDL's script takes position ``round(n_c / 2)``, one pixel
    further for odd ``n_c``); its threshold is the lower edge of the bin
    holding that median, so ``t_c <= median_c < t_c + 1 / num_bins``
    (0.001 with 1000 bins): every pixel an exact threshold keeps is kept,
    plus those of class ``c`` whose confidence lies in ``[t_c, median_c)``
    inside that one bin. Bins above ``max_threshold`` never matter because
    of the cap. Classes that are never predicted get ``max_threshold``.

    Args:
        max_threshold (float): Upper bound of every threshold. Default: 0.9.
        num_bins (int): Histogram bins per class. Default: 1000.
    """

    needs_statistics = True

    def __init__(self,
                 max_threshold: float = 0.9,
                 num_bins: int = 1000) -> None:
        if not 0. <= max_threshold <= 1.:
            raise ValueError(
                f'max_threshold must lie in [0, 1], got {max_threshold}.')
        if num_bins < 1:
            raise ValueError(f'num_bins must be positive, got {num_bins}.')
        self.max_threshold = max_threshold
        self.num_bins = num_bins
        self.histogram: Optional[np.ndarray] = None

    def reset_statistics(self, num_classes: int) -> None:
        self.histogram = np.zeros((num_classes, self.num_bins), np.int64)

    def update_statistics(self, probs: Tensor) -> None:
        self.check_probs(probs)
        num_classes = probs.shape[0]
        if self.histogram is None:
            self.reset_statistics(num_classes)
        if self.histogram.shape[0] != num_classes:
            raise ValueError(
                f'The model predicts {num_classes} classes but the '
                f'statistics were started for {self.histogram.shape[0]}: '
                'the model and the dataset disagree on the classes.')
        confidence, label = probs.max(dim=0)
        counts = torch.bincount(
            (label * self.num_bins + self._bins(confidence)).flatten(),
            minlength=num_classes * self.num_bins)
        self.histogram += counts.view(num_classes, -1).cpu().numpy()

    def statistics_state(self) -> Dict[str, np.ndarray]:
        return {} if self.histogram is None else {'histogram': self.histogram}

    def load_statistics_state(self, state: Dict[str, np.ndarray]) -> None:
        histogram = np.asarray(state['histogram'], np.int64)
        if histogram.ndim != 2 or histogram.shape[1] != self.num_bins:
            raise ValueError(
                f'Saved class-confidence histogram has shape '
                f'{histogram.shape}, expected (num_classes, {self.num_bins}).')
        self.histogram = histogram

    def _bins(self, confidence: Tensor) -> Tensor:
        return (confidence * self.num_bins).long().clamp_(0, self.num_bins - 1)

    def _median_bins(self) -> np.ndarray:
        """Per class, the bin holding the confidence at index ``n // 2``."""
        if self.histogram is None:
            raise RuntimeError(
                'ClassMedianThreshold needs its statistics pass (or saved '
                'statistics) before labelling.')
        totals = self.histogram.sum(axis=1)
        cumulative = self.histogram.cumsum(axis=1)
        median_bins = (cumulative <= (totals // 2)[:, None]).sum(axis=1)
        median_bins[totals == 0] = self.num_bins  # never predicted
        return median_bins

    @property
    def thresholds(self) -> np.ndarray:
        """The ``(C,)`` per-class thresholds implied by the statistics."""
        return np.minimum(self._median_bins() / self.num_bins,
                          self.max_threshold)

    def label(self, probs: Tensor) -> np.ndarray:
        self.check_probs(probs)
        median_bins = torch.as_tensor(self._median_bins(), device=probs.device)
        if median_bins.numel() != probs.shape[0]:
            raise ValueError(
                f'Statistics of {median_bins.numel()} classes for a model '
                f'that predicts {probs.shape[0]} classes.')
        confidence, label = probs.max(dim=0)
        # Compare in bin units, so that the pixels of the median bin are
        # kept whatever the rounding of ``bin / num_bins``; the cap applies
        # to the raw confidence.
        keep = (self._bins(confidence) >= median_bins[label]) | (
            confidence >= self.max_threshold)
        label = label.to(torch.uint8)
        label[~keep] = IGNORE_INDEX
        return label.cpu().numpy()

    def describe_statistics(self) -> str:
        values = ', '.join(f'{t:.3f}' for t in self.thresholds)
        return f'per-class thresholds: [{values}]'

    def config(self) -> dict:
        return dict(
            super().config(),
            max_threshold=self.max_threshold,
            num_bins=self.num_bins)
