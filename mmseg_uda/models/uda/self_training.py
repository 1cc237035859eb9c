"""Self-training: supervised on source labels and target pseudo labels.

The segmentation part of BDL's self-supervised learning step (Li et al.,
"Bidirectional Learning for Domain Adaptation of Semantic Segmentation",
CVPR 2019, Eq. 3 without the adversarial term) and of FADA's
self-distillation with ``source_loss_weight=0``.
"""
from typing import Dict, Optional

from mmengine.optim import OptimWrapperDict
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType
from torch import Tensor

from .base_uda_segmentor import BaseUDASegmentor
from .pseudo_label_losses import PseudoLabelLossMixin, weighted_losses


@MODELS.register_module()
class SelfTraining(PseudoLabelLossMixin, BaseUDASegmentor):
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
                    weighted_losses(src_losses, 'source',
                                    self.source_loss_weight))
            tgt_out = self.segmentor(target['inputs'])
            tgt_losses = self.target_losses(tgt_out['logits'],
                                            target['data_samples'])
            losses.update(
                weighted_losses(tgt_losses, 'target', self.target_loss_weight))
        return self.update(seg_optim, losses)
