"""BDL: the segmentation adaptation model M of bidirectional learning.

Li et al., "Bidirectional Learning for Domain Adaptation of Semantic
Segmentation", CVPR 2019. The translator F is
:class:`CycleGANTranslator` with ``perceptual_loss``; the loop of
Algorithm 1 is a pipeline config for ``tools/run_pipeline.py``
(``configs/bdl/``).
"""
from typing import Dict, Optional

from mmengine.logging import print_log
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor

from .adaptsegnet import AdaptSegNet
from .pseudo_label_losses import PseudoLabelLossMixin, weighted_losses


@MODELS.register_module()
class BDL(PseudoLabelLossMixin, AdaptSegNet):
    """Output-space adversarial adaptation plus target pseudo labels.

    One iteration (paper Eq. 3): with the discriminator frozen the
    segmentor minimises ``l_seg(M(S'), Y_S) + lambda_adv * l_adv(M(T))
    + target_loss_weight * l_seg(M(T_ssl), Y_T)`` on one forward pass per
    domain; then the discriminator learns to tell the detached source
    probability maps from the target ones (Eq. 7), as in
    :class:`AdaptSegNet`. The source images are the translated source set
    S' (``tools/translate.py``); the target term uses the pseudo labels the
    target pipeline loads (``tools/gen_pseudo_labels.py``). A target batch
    without labels trains Eq. 1 (``T_ssl`` empty, the first M of every
    round); a batch with labels on only some samples is an error.

    Args:
        segmentor (dict): Any ``EncoderDecoder``-style segmentor config.
        discriminator (dict): A ``MultiLevelDiscriminator`` config (BDL
            adapts the decode head's output only).
        adv_weights (dict[str, float]): ``lambda_adv`` per level
            (paper: 0.001 for DeepLabV2-R101, 1e-4 for FCN-8s).
            Default: ``dict(decode_head=0.001)``.
        target_loss_weight (float): Weight of the pseudo-label loss
            (paper: 1). Default: 1.0.
        average_over_kept (bool): Average the pseudo-label cross-entropy
            over the kept pixels instead of all pixels. The paper (Eq. 9)
            divides by H*W; the official code averages over kept pixels
            (see :class:`PseudoLabelLossMixin`). Default: False.
        gan_loss, source_label, target_label, segmentor_checkpoint,
        data_preprocessor, init_cfg: See :class:`AdaptSegNet`.
    """

    def __init__(self,
                 segmentor: ConfigType,
                 discriminator: ConfigType,
                 adv_weights: Dict[str, float] = dict(decode_head=0.001),
                 target_loss_weight: float = 1.0,
                 average_over_kept: bool = False,
                 gan_loss: ConfigType = dict(
                     type='GANLoss', gan_type='vanilla'),
                 source_label: float = 1.0,
                 target_label: float = 0.0,
                 segmentor_checkpoint: Optional[str] = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(
            segmentor=segmentor,
            discriminator=discriminator,
            adv_weights=adv_weights,
            gan_loss=gan_loss,
            source_label=source_label,
            target_label=target_label,
            segmentor_checkpoint=segmentor_checkpoint,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.target_loss_weight = target_loss_weight
        self.average_over_kept = average_over_kept
        self._told_without_labels = False

    def target_supervision(self, logits: Dict[str, Tensor],
                           data_samples: SampleList) -> Dict[str, Tensor]:
        """Weighted pseudo-label losses (Eq. 3), none without labels."""
        labelled = [
            'gt_sem_seg' in sample or 'gt_soft_seg' in sample
            for sample in data_samples
        ]
        if not any(labelled):
            if not self._told_without_labels:
                print_log(
                    'BDL: the target batches carry no pseudo labels, '
                    'training Eq. 1 (adversarial term only on target).',
                    logger='current')
                self._told_without_labels = True
            return {}
        if not all(labelled):
            raise ValueError(
                'BDL: only some target samples of the batch carry pseudo '
                'labels; every image needs a label file (pixels without a '
                'pseudo label are 255 in it).')
        losses = self.target_losses(logits, data_samples)
        return weighted_losses(losses, 'target', self.target_loss_weight)
