"""Target losses from pseudo labels, shared by the self-training methods."""
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.utils import resize
from mmseg.utils import SampleList
from torch import Tensor

from ..utils.amp import float32_loss


def weighted_losses(losses: Dict[str, Tensor], domain: str,
                    weight: float) -> Dict[str, Tensor]:
    """Prefix the keys with ``domain`` and weight the ``loss*`` terms."""
    weighted = {}
    for name, value in losses.items():
        if name.split('.')[-1].startswith('loss'):
            value = weight * value
        weighted[f'{domain}.{name}'] = value
    return weighted


class PseudoLabelLossMixin:
    """Cross-entropy of target logits against pseudo labels.

    For :class:`BaseUDASegmentor` subclasses. The target samples carry the
    pseudo labels that the target pipeline loads (``LoadAnnotations`` on
    files written by ``tools/gen_pseudo_labels.py`` or ``PseudoLabelHook``;
    255 = ignored) or soft labels (``gt_soft_seg`` from
    ``PackSoftSegInputs``). Every head applies its own ``loss_decode``;
    soft labels get ``-sum_c p_c log q_c`` on the decode head.

    The subclass sets ``self.average_over_kept``: True averages the hard
    cross-entropy over the kept pixels (BDL's official code,
    ``CrossEntropyLoss(ignore_index=255)``), False over all pixels (BDL's
    Eq. 9 and mmseg's default ``avg_non_ignore=False``).
    """

    average_over_kept: bool

    @float32_loss
    def soft_loss(self, logits: Tensor, data_samples: SampleList) -> Tensor:
        """Soft cross-entropy of decode-head logits against soft labels.

        Computed in float32, also under autocast.
        """
        soft = [sample.gt_soft_seg.data for sample in data_samples]
        height = max(label.shape[1] for label in soft)
        width = max(label.shape[2] for label in soft)
        # pad like the data preprocessor pads images (bottom / right); zero
        # probabilities make padded pixels contribute nothing
        soft = [
            F.pad(label,
                  (0, width - label.shape[2], 0, height - label.shape[1]))
            for label in soft
        ]
        target = torch.stack(soft).to(logits)
        logits = resize(
            logits,
            size=(height, width),
            mode='bilinear',
            align_corners=self.segmentor_forward.heads()
            ['decode_head'].align_corners)
        pixel_loss = -(target * F.log_softmax(logits, dim=1)).sum(dim=1)
        return pixel_loss.mean()

    def target_losses(self, logits: Dict[str, Tensor],
                      data_samples: SampleList) -> Dict[str, Tensor]:
        """Pseudo-label losses of the target batch, before weighting."""
        if all('gt_soft_seg' in sample for sample in data_samples):
            return {
                'decode.loss_soft_ce':
                self.soft_loss(logits['decode_head'], data_samples)
            }
        if not all('gt_sem_seg' in sample for sample in data_samples):
            raise KeyError(
                f'{type(self).__name__} needs target pseudo labels: point '
                "the target dataset's data_prefix.seg_map_path at the "
                "pseudo-label folder, set seg_map_suffix='_pseudo.png' and "
                'add LoadAnnotations to the target pipeline (see '
                'configs/self_training/README.md).')
        losses = self.segmentor_forward.loss_by_logits(logits, data_samples)
        scale = self._kept_pixel_scale(data_samples)
        if scale is not None:
            losses = {
                name: value * scale if 'loss' in name else value
                for name, value in losses.items()
            }
        return losses

    def _kept_pixel_scale(self, data_samples: SampleList) -> Optional[float]:
        """Factor turning means over all pixels into means over kept ones.

        None when nothing is to be rescaled.
        """
        if not self.average_over_kept:
            return None
        heads = self.segmentor_forward.heads()
        per_pixel = set()
        for head in heads.values():
            modules = head.loss_decode
            if not isinstance(modules, nn.ModuleList):
                modules = [modules]
            per_pixel.update(
                getattr(module, 'avg_non_ignore', False) for module in modules)
        if per_pixel == {True}:
            return None
        if len(per_pixel) > 1:
            raise ValueError(
                f'{type(self).__name__}(average_over_kept=True) needs every '
                'head loss to average the same way: set avg_non_ignore alike '
                'in all loss_decode configs, or average_over_kept=False.')
        labels = torch.stack([s.gt_sem_seg.data for s in data_samples])
        kept = (labels != heads['decode_head'].ignore_index).sum().item()
        return labels.numel() / max(kept, 1)
