"""Self-training: supervised on source labels and target pseudo labels.

The segmentation part of BDL's self-supervised learning step (Li et al.,
"Bidirectional Learning for Domain Adaptation of Semantic Segmentation",
CVPR 2019, Eq. 3 without the adversarial term) and of FADA's
self-distillation with ``source_loss_weight=0``.
"""
from typing import Dict

from mmseg.registry import MODELS
from mmseg.utils import ConfigType, SampleList
from torch import Tensor

from .base_uda_segmentor import BaseUDASegmentor


@MODELS.register_module()
class SelfTraining(BaseUDASegmentor):
    """Cross-entropy on source labels plus weighted target pseudo labels.

    Per iteration the segmentor minimises ``source_loss_weight * L_seg(S)
    + w_T * L_seg(T, Y_T)`` (``w_T = target_loss.loss_weight``) where
    ``Y_T`` are the target batch's labels: the pseudo labels that the
    target pipeline loads (``LoadAnnotations`` on files written by
    ``tools/gen_pseudo_labels.py`` or ``PseudoLabelHook``; 255 = ignored).
    Every head applies its own ``loss_decode``, so auxiliary heads and
    class weights work as in supervised mmseg training; by default the
    target losses are averaged over the kept pixels only, as BDL's
    ``CrossEntropyLoss(ignore_index=255)``: mmseg's cross-entropy averages
    over all pixels unless ``avg_non_ignore=True``, which would scale the
    target weight by the kept fraction (a quarter of the pixels with MPT on
    the toy benchmark). Target samples that carry soft labels
    (``gt_soft_seg`` from ``PackSoftSegInputs``) get a soft cross-entropy
    on the decode head instead: ``-sum_c p_c log q_c`` averaged over pixels
    (:class:`PseudoLabelLoss`).

    Args:
        segmentor (dict): Any ``EncoderDecoder``-style segmentor config.
        target_loss (dict): The pseudo-label loss. Default:
            ``PseudoLabelLoss`` of weight 1 (BDL) averaged over the kept
            pixels.
        source_loss_weight (float): Weight of the source loss; 0 trains on
            the target pseudo labels alone (no source forward). Default:
            1.0.
        **kwargs: ``segmentor_checkpoint`` (leave it None to train a fresh
            segmentor), ``data_preprocessor``, ``init_cfg`` of
            :class:`BaseUDASegmentor`.
    """

    def __init__(self,
                 segmentor: ConfigType,
                 target_loss: ConfigType = dict(
                     type='PseudoLabelLoss',
                     loss_weight=1.0,
                     average_over='kept'),
                 source_loss_weight: float = 1.0,
                 **kwargs) -> None:
        super().__init__(
            segmentor=segmentor, target_loss=target_loss, **kwargs)
        self.source_loss_weight = source_loss_weight

    @property
    def trains_on_source(self) -> bool:
        return bool(self.source_loss_weight)

    def source_losses(self, outputs: dict,
                      data_samples: SampleList) -> Dict[str, Tensor]:
        """The supervised source losses times ``source_loss_weight``."""
        return {
            name:
            self.source_loss_weight *
            value if name.split('.')[-1].startswith('loss') else value
            for name, value in super().source_losses(outputs,
                                                     data_samples).items()
        }
