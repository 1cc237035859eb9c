"""The stock heads' supervised losses with a weight per pixel."""
from contextlib import contextmanager
from typing import Dict, Iterator

import torch.nn as nn
from mmseg.utils import SampleList
from torch import Tensor

from .segmentor_heads import head_losses


class _PixelWeightSampler:
    """Stands in for a head's pixel sampler: returns the given weights.

    ``BaseDecodeHead.loss_by_feat`` passes its sampler's output as the
    ``weight`` of every ``loss_decode`` (mmseg's ``CrossEntropyLoss``
    multiplies the per-pixel loss by it before averaging). A sampler the
    head already has (e.g. OHEM) is kept: its weights are multiplied in.
    """

    def __init__(self, weight: Tensor, inner: object = None) -> None:
        self.weight = weight
        self.inner = inner

    def sample(self, seg_logits: Tensor, seg_label: Tensor) -> Tensor:
        expected = seg_label.shape[:1] + seg_label.shape[2:]
        if self.weight.shape != expected:
            raise ValueError(
                f'The pixel weights have shape {tuple(self.weight.shape)}, '
                f'the labels {tuple(expected)}.')
        weight = self.weight.to(seg_logits.device)
        if self.inner is not None:
            weight = weight * self.inner.sample(seg_logits, seg_label)
        return weight


@contextmanager
def pixel_weights(heads: Dict[str, nn.Module],
                  weight: Tensor) -> Iterator[None]:
    """Within the context, every head weighs its losses by ``weight``.

    Args:
        heads (dict): Head name -> decode or auxiliary head.
        weight (Tensor): (N, H, W) weights at the labels' size.
    """
    saved = {name: head.sampler for name, head in heads.items()}
    try:
        for name, head in heads.items():
            head.sampler = _PixelWeightSampler(weight, saved[name])
        yield
    finally:
        for name, head in heads.items():
            head.sampler = saved[name]


def pixel_weighted_head_losses(heads: Dict[str, nn.Module],
                               logits: Dict[str,
                                            Tensor], data_samples: SampleList,
                               weight: Tensor) -> Dict[str, Tensor]:
    """:func:`head_losses` with the per-pixel ``weight`` (N, H, W).

    Every head's own ``loss_decode`` computes ``mean(w * l)`` over the
    pixels (mmseg's default ``avg_non_ignore=False``), which is the
    pixel-weighted cross-entropy of DACS and DAFormer.
    """
    with pixel_weights(heads, weight):
        return head_losses(heads, logits, data_samples)
