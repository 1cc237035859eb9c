"""Class Center Distance (FADA, Eq. 9) of segmentation features."""
from typing import Dict, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor


class ClassCenterDistance:
    """Streaming Class Center Distance of features grouped by class.

    FADA (Wang et al., ECCV 2020, Eq. 9)::

        CCD(i) = 1 / (K - 1) * sum_{j != i} var_i / ||mu_i - mu_j||^2,
        var_i = 1 / |S_i| * sum_{x in S_i} ||x - mu_i||^2

    the intra-class spread of class ``i`` relative to its distance to every
    other class center: lower is better aligned. Only per-class running
    sums are kept (pixel count, feature sum, sum of squared norms, in
    float64), so any number of images can be fed through :meth:`update`;
    ``var_i = sum ||x||^2 / n_i - ||mu_i||^2``. Accumulators of two domains
    add up (``a + b``) to the joint distribution, the paper's setting.

    Classes without pixels are left out: their CCD is NaN and ``K`` counts
    the present classes only.

    Args:
        num_classes (int): Number of classes.
        ignore_index (int): Label of pixels to skip. Defaults to 255.
    """

    def __init__(self, num_classes: int, ignore_index: int = 255) -> None:
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.counts = torch.zeros(num_classes, dtype=torch.float64)
        self.sums: Optional[Tensor] = None
        self.sq_norms = torch.zeros(num_classes, dtype=torch.float64)

    @staticmethod
    def labels_to_features(labels: Tensor, size: Sequence[int]) -> Tensor:
        """Nearest-neighbour downsampling of ``(N, H, W)`` labels."""
        labels = F.interpolate(
            labels[:, None].float(), size=tuple(size), mode='nearest')
        return labels[:, 0].long()

    def update(self, features: Tensor, labels: Tensor) -> None:
        """Add the pixels of a batch.

        Args:
            features (Tensor): ``(N, C, h, w)`` features.
            labels (Tensor): ``(N, H, W)`` class ids aligned with the
                features' input; resized (nearest) to ``(h, w)``.
        """
        if labels.shape[-2:] != features.shape[-2:]:
            labels = self.labels_to_features(labels, features.shape[-2:])
        channels = features.shape[1]
        feats = features.detach().permute(0, 2, 3, 1).reshape(-1, channels)
        labels = labels.reshape(-1).to(feats.device)
        valid = (labels != self.ignore_index) & (labels >= 0) & (
            labels < self.num_classes)
        feats = feats[valid].double().cpu()
        labels = labels[valid].cpu()
        if self.sums is None:
            self.sums = torch.zeros(
                self.num_classes, channels, dtype=torch.float64)
        elif self.sums.shape[1] != channels:
            raise ValueError(f'Features have {channels} channels, earlier '
                             f'ones had {self.sums.shape[1]}.')
        self.counts += torch.bincount(
            labels, minlength=self.num_classes).double()
        self.sums.index_add_(0, labels, feats)
        self.sq_norms.index_add_(0, labels, (feats**2).sum(dim=1))

    def __add__(self, other: 'ClassCenterDistance') -> 'ClassCenterDistance':
        if other.num_classes != self.num_classes:
            raise ValueError('Cannot add accumulators of different numbers '
                             'of classes.')
        total = ClassCenterDistance(self.num_classes, self.ignore_index)
        total.counts = self.counts + other.counts
        total.sq_norms = self.sq_norms + other.sq_norms
        sums = [s for s in (self.sums, other.sums) if s is not None]
        total.sums = sum(sums) if sums else None
        return total

    def compute(self) -> Dict[str, object]:
        """Per-class CCD, their mean, centers' spread and pixel counts.

        Returns:
            dict: ``ccd`` (np.ndarray, NaN for absent classes), ``mean_ccd``
            (mean over present classes), ``intra`` (``var_i``) and
            ``counts``.
        """
        present = (self.counts > 0).numpy()
        ccd = np.full(self.num_classes, np.nan)
        intra = np.full(self.num_classes, np.nan)
        if present.sum() < 2:
            return dict(
                ccd=ccd,
                mean_ccd=float('nan'),
                intra=intra,
                counts=self.counts.numpy())
        idx = torch.from_numpy(np.flatnonzero(present))
        counts = self.counts[idx]
        centers = self.sums[idx] / counts[:, None]
        var = (self.sq_norms[idx] / counts -
               (centers**2).sum(dim=1)).clamp(min=0)
        dist = ((centers[:, None] - centers[None])**2).sum(dim=-1)
        ratios = var[:, None] / dist
        ratios.fill_diagonal_(0)
        values = ratios.sum(dim=1) / (len(idx) - 1)
        ccd[idx.numpy()] = values.numpy()
        intra[idx.numpy()] = var.numpy()
        return dict(
            ccd=ccd,
            mean_ccd=float(values.mean()),
            intra=intra,
            counts=self.counts.numpy())
