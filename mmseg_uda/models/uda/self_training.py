"""Self-training: supervised on source labels and target pseudo labels.

The segmentation part of BDL's self-supervised learning step (Li et al.,
"Bidirectional Learning for Domain Adaptation of Semantic Segmentation",
CVPR 2019, Eq. 3 without the adversarial term) and of FADA's
self-distillation with ``source_loss_weight=0``.
"""
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.optim import OptimWrapperDict
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor

from ..utils.amp import float32_loss
from .base_uda_segmentor import BaseUDASegmentor


@MODELS.register_module()
class SelfTraining(BaseUDASegmentor):
    """Cross-entropy on source labels plus weighted target pseudo labels.

    Per iteration the segmentor minimises ``source_loss_weight * L_seg(S)
    + target_loss_weight * L_seg(T, Y_T)`` where ``Y_T`` are the target
    batch's labels: the pseudo labels that the target pipeline loads
    (``LoadAnnotations`` on files written by ``tools/gen_pseudo_labels.py``
    or ``PseudoLabelHook``; 255 = ignored). Every head applies its own
    ``loss_decode``, so auxiliary heads and class weights work as in
    supervised mmseg training; by default the target losses are averaged
    over the kept pixels only, as BDL's ``CrossEntropyLoss(ignore_index=
    255)``: mmseg's cross-entropy averages over all pixels unless
    ``avg_non_ignore=True``, which would scale the target weight by the
    kept fraction (a quarter of the pixels with MPT on the toy benchmark).
    Target samples that carry soft labels
    (``gt_soft_seg`` from ``PackSoftSegInputs``) get a soft cross-entropy
    on the decode head instead: ``-sum_c p_c log q_c`` averaged over pixels.

    Args:
        segmentor (dict): Any ``EncoderDecoder``-style segmentor config.
        target_loss_weight (float): Weight of the target pseudo-label loss
            (BDL: 1). Default: 1.0.
        source_loss_weight (float): Weight of the source loss; 0 trains on
            the target pseudo labels alone. Default: 1.0.
        average_over_kept (bool): Average the target losses over the
            pixels not ignored (heads whose losses already do so, with
            ``avg_non_ignore=True``, are left as they are). Default: True.
        segmentor_checkpoint (str, optional): Checkpoint of the segmentor
            to start from; leave it None to train a fresh segmentor.
        data_preprocessor (dict, optional): See :class:`BaseUDASegmentor`.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 segmentor: ConfigType,
                 target_loss_weight: float = 1.0,
                 source_loss_weight: float = 1.0,
                 average_over_kept: bool = True,
                 segmentor_checkpoint: Optional[str] = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(
            segmentor=segmentor,
            segmentor_checkpoint=segmentor_checkpoint,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.target_loss_weight = target_loss_weight
        self.source_loss_weight = source_loss_weight
        self.average_over_kept = average_over_kept

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
                'SelfTraining needs target pseudo labels: point the target '
                "dataset's data_prefix.seg_map_path at the pseudo-label "
                "folder, set seg_map_suffix='_pseudo.png' and add "
                'LoadAnnotations to the target pipeline (see '
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
                'SelfTraining(average_over_kept=True) needs every head loss '
                'to average the same way: set avg_non_ignore alike in all '
                'loss_decode configs, or average_over_kept=False.')
        labels = torch.stack([s.gt_sem_seg.data for s in data_samples])
        kept = (labels != heads['decode_head'].ignore_index).sum().item()
        return labels.numel() / max(kept, 1)

    def train_uda_step(self, source: dict, target: dict,
                       optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        seg_optim = optim_wrapper['segmentor']
        with seg_optim.optim_context(self.segmentor):
            losses = {}
            if self.source_loss_weight:
                src_out = self.segmentor(source['inputs'])
                src_losses = self.segmentor_forward.loss_by_logits(
                    src_out['logits'], source['data_samples'])
                losses.update(
                    self._weighted(src_losses, 'source',
                                   self.source_loss_weight))
            tgt_out = self.segmentor(target['inputs'])
            tgt_losses = self.target_losses(tgt_out['logits'],
                                            target['data_samples'])
            losses.update(
                self._weighted(tgt_losses, 'target', self.target_loss_weight))
        return self.update(seg_optim, losses)

    @staticmethod
    def _weighted(losses: Dict[str, Tensor], domain: str,
                  weight: float) -> Dict[str, Tensor]:
        """Prefix the keys with the domain and weight the ``loss*`` terms."""
        weighted = {}
        for name, value in losses.items():
            if name.split('.')[-1].startswith('loss'):
                value = weight * value
            weighted[f'{domain}.{name}'] = value
        return weighted
