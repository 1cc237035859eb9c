"""Cross-entropy of target logits against pseudo labels (hard or soft)."""
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import print_log
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from torch import Tensor

from ..utils.amp import float32_loss
from ..utils.segmentor_heads import head_losses

#: ``average_over`` values: every pixel (mmseg's default) or the kept ones.
AVERAGES = ('all', 'kept')


@MODELS.register_module()
class PseudoLabelLoss(nn.Module):
    """The supervised losses of every head on the target's pseudo labels.

    The target samples carry the pseudo labels the target pipeline loads
    (``gt_sem_seg``: ``LoadAnnotations`` on files written by
    ``tools/gen_pseudo_labels.py`` or ``PseudoLabelHook``, 255 = ignored)
    or soft labels (``gt_soft_seg`` from ``PackSoftSegInputs``). Hard labels
    go through every head's own ``loss_decode`` (auxiliary heads and class
    weights work as in supervised mmseg training); soft labels get
    ``-sum_c p_c log q_c`` on the decode head, averaged over pixels.

    Args:
        loss_weight (float): Factor on every ``loss*`` term. Default: 1.0.
        average_over (str): ``'all'`` averages the hard cross-entropy over
            all pixels (BDL's Eq. 9, mmseg's ``avg_non_ignore=False``);
            ``'kept'`` over the pixels not ignored (PyTorch's
            ``CrossEntropyLoss(ignore_index=255)``, BDL's code). Heads whose
            losses already average over kept pixels
            (``avg_non_ignore=True``) are left as they are. Default: 'all'.
        allow_unlabelled (bool): A batch without any label gives no loss
            (logged once) instead of an error: BDL's first model of every
            round trains without pseudo labels. Default: False.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 average_over: str = 'all',
                 allow_unlabelled: bool = False) -> None:
        super().__init__()
        if average_over not in AVERAGES:
            raise ValueError(f'average_over must be one of {AVERAGES}, got '
                             f'{average_over!r}.')
        self.loss_weight = loss_weight
        self.average_over = average_over
        self.allow_unlabelled = allow_unlabelled
        self._told_unlabelled = False

    def forward(self, heads: Dict[str, nn.Module], logits: Dict[str, Tensor],
                data_samples: SampleList) -> Dict[str, Tensor]:
        """Weighted losses keyed ``{head}.{name}`` (see ``head_losses``).

        Args:
            heads (dict): Head name -> head of the segmentor.
            logits (dict): Head name -> logits of the target batch.
            data_samples (list): The target samples with their labels.
        """
        labelled = [
            'gt_sem_seg' in sample or 'gt_soft_seg' in sample
            for sample in data_samples
        ]
        if not any(labelled) and self.allow_unlabelled:
            if not self._told_unlabelled:
                print_log(
                    'The target batches carry no pseudo labels: no target '
                    'cross-entropy is trained.',
                    logger='current')
                self._told_unlabelled = True
            return {}
        if any(labelled) and not all(labelled):
            raise ValueError(
                'Only some target samples of the batch carry pseudo labels; '
                'every image needs a label file (pixels without a pseudo '
                'label are 255 in it).')
        if all('gt_soft_seg' in sample for sample in data_samples):
            losses = {
                'decode.loss_soft_ce':
                self.soft_loss(heads['decode_head'], logits['decode_head'],
                               data_samples)
            }
        else:
            losses = self.hard_losses(heads, logits, data_samples)
        return {
            name:
            self.loss_weight *
            value if name.split('.')[-1].startswith('loss') else value
            for name, value in losses.items()
        }

    def hard_losses(self, heads: Dict[str, nn.Module], logits: Dict[str,
                                                                    Tensor],
                    data_samples: SampleList) -> Dict[str, Tensor]:
        """Every head's own loss on hard labels, averaged as configured."""
        if not all('gt_sem_seg' in sample for sample in data_samples):
            raise KeyError(
                'The model needs target pseudo labels: point the target '
                "dataset's data_prefix.seg_map_path at the pseudo-label "
                "folder, set seg_map_suffix='_pseudo.png' and add "
                'LoadAnnotations to the target pipeline (see '
                'configs/self_training/README.md).')
        losses = head_losses(heads, logits, data_samples)
        scale = self._kept_pixel_scale(heads, data_samples)
        if scale is not None:
            losses = {
                name: value * scale if 'loss' in name else value
                for name, value in losses.items()
            }
        return losses

    @float32_loss
    def soft_loss(self, head: nn.Module, logits: Tensor,
                  data_samples: SampleList) -> Tensor:
        """Soft cross-entropy of decode-head logits, in float32."""
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
            align_corners=head.align_corners)
        pixel_loss = -(target * F.log_softmax(logits, dim=1)).sum(dim=1)
        return pixel_loss.mean()

    def _kept_pixel_scale(self, heads: Dict[str, nn.Module],
                          data_samples: SampleList) -> Optional[float]:
        """Factor turning means over all pixels into means over kept ones.

        None when nothing is to be rescaled.
        """
        if self.average_over == 'all':
            return None
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
                "PseudoLabelLoss(average_over='kept') needs every head loss "
                'to average the same way: set avg_non_ignore alike in all '
                "loss_decode configs, or average_over='all'.")
        labels = torch.stack([s.gt_sem_seg.data for s in data_samples])
        kept = (labels != heads['decode_head'].ignore_index).sum().item()
        return labels.numel() / max(kept, 1)
