"""BDL: the segmentation adaptation model M of bidirectional learning.

Li et al., "Bidirectional Learning for Domain Adaptation of Semantic
Segmentation", CVPR 2019. The translator F is
:class:`CycleGANTranslator` with ``perceptual_loss``; the loop of
Algorithm 1 is a stage graph for ``tools/run_pipeline.py``
(``configs/bdl/``).
"""
from typing import Dict

from mmseg.registry import MODELS
from mmseg.utils import ConfigType

from .adaptsegnet import AdaptSegNet


@MODELS.register_module()
class BDL(AdaptSegNet):
    """Output-space adversarial adaptation plus target pseudo labels.

    :class:`AdaptSegNet` with a target pseudo-label loss. One iteration
    (paper Eq. 3): with the discriminator frozen the segmentor minimises
    ``l_seg(M(S'), Y_S) + lambda_adv * l_adv(M(T)) + target_loss.loss_weight *
    l_seg(M(T_ssl), Y_T)`` on one forward pass per domain; then the
    discriminator learns to tell the detached source probability maps from
    the target ones (Eq. 7). The source images are the translated source
    set S' (``tools/translate.py``); the target term uses the pseudo labels
    the target pipeline loads (``tools/gen_pseudo_labels.py``). A target
    batch without labels trains Eq. 1 (``T_ssl`` empty, the first M of
    every round); a batch with labels on only some samples is an error.

    Args:
        segmentor (dict): Any ``EncoderDecoder``-style segmentor config.
        discriminator (dict): A ``MultiLevelDiscriminator`` config (BDL
            adapts the decode head's output only).
        adv_weights (dict[str, float]): ``lambda_adv`` per level
            (paper: 0.001 for DeepLabV2-R101, 1e-4 for FCN-8s).
            Default: ``dict(decode_head=0.001)``.
        target_loss (dict): The pseudo-label loss. Default:
            ``PseudoLabelLoss`` of weight 1 (paper), averaged over all
            pixels as Eq. 9 divides by H*W (the official code averages over
            the kept pixels: ``average_over='kept'``), no loss on batches
            without labels.
        **kwargs: ``gan_loss``, ``source_label``, ``target_label`` of
            :class:`AdaptSegNet`; ``segmentor_checkpoint``,
            ``data_preprocessor``, ``init_cfg`` of ``BaseUDASegmentor``.
    """

    def __init__(self,
                 segmentor: ConfigType,
                 discriminator: ConfigType,
                 adv_weights: Dict[str, float] = dict(decode_head=0.001),
                 target_loss: ConfigType = dict(
                     type='PseudoLabelLoss',
                     loss_weight=1.0,
                     average_over='all',
                     allow_unlabelled=True),
                 **kwargs) -> None:
        super().__init__(
            segmentor=segmentor,
            discriminator=discriminator,
            adv_weights=adv_weights,
            target_loss=target_loss,
            **kwargs)
