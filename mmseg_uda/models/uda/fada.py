"""FADA: fine-grained adversarial feature alignment.

Wang et al., "Classes Matter: A Fine-grained Adversarial Approach to
Cross-domain Semantic Segmentation", ECCV 2020.
"""
from typing import Dict, Optional, Tuple

from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import ConfigType
from torch import Tensor

from ..utils.amp import float32_loss
from .adaptsegnet import FEATURE_LEVEL
from .base_uda_segmentor import BaseUDASegmentor

#: Resolutions at which the domain-encoding losses can be computed.
LOSS_RESOLUTIONS = ('image', 'feature')


@MODELS.register_module()
class FADA(BaseUDASegmentor):
    """Class-level feature alignment with a fine-grained discriminator.

    Per iteration (paper Sec. 3, Eq. 2, 5, 6):

    1. the segmentor, with the discriminator frozen, minimises the source
       cross-entropy plus ``adv_weight`` times the adversarial loss: the
       discriminator's logits on the target features, supervised with the
       target's class knowledge encoded as *source* (``[a_t; 0]``);
    2. the discriminator minimises Eq. 5 on the detached source and target
       features of the same forward pass: ``[a_s; 0]`` for source,
       ``[0; a_t]`` for target.

    Logged (``docs/en/log_contract.md``): ``loss.segmentor``,
    ``loss.discriminator``, ``loss_adv.features``,
    ``loss_disc.features.{domain}`` and, per domain, from the discriminator
    step's outputs (before it updates): ``acc_disc.features.{domain}``, the
    share of pixels the discriminator puts in the right domain
    (:meth:`DomainEncodingLoss.domain_accuracy`; near 0.5 on both domains
    it cannot tell them apart), and the class knowledge the encodings carry,
    ``encoding.{domain}.kept`` (share of pixels kept) and
    ``encoding.{domain}.entropy`` (normalised entropy,
    :meth:`DomainEncodingLoss.knowledge_statistics`).

    The encodings come from the decode head's logits (see
    :class:`DomainEncodingLoss` for soft and hard labels). Both are
    compared with the discriminator's logits at one resolution:
    ``'image'`` resizes both to the input batch size (bilinear), as the
    official code does; ``'feature'`` keeps the discriminator's native
    (feature) resolution and resizes the class logits to it, which is
    cheaper and equivalent up to interpolation.

    The official code differs from the paper in two places; both are
    options whose defaults follow the paper:

    - ``source_ce_temperature``: the repo computes the source cross-entropy
      on ``logits / 1.8`` (the encoding temperature); the paper uses plain
      cross-entropy (Eq. 3). Default: None (plain).
    - ``disc_term_weight``: the repo halves the source and target terms of
      the discriminator loss; Eq. 5 sums them. Default: 1.0.

    Args:
        segmentor (dict): Any ``EncoderDecoder``-style segmentor config.
        discriminator (dict): A :class:`FineGrainedDiscriminator` config
            with ``in_channels`` = channels of the adapted features and
            ``num_classes`` = the decode head's classes.
        adv_weight (float): ``lambda_adv``. Defaults to 0.001.
        domain_encoding (dict): :class:`DomainEncodingLoss` config.
            Defaults to soft labels, T = 1.8, clipping at 0.9.
        feature_index (int): Which of the segmentor's features (backbone or
            neck outputs) the discriminator sees. Defaults to -1 (the last:
            layer4 of DeepLabV2's ResNet).
        loss_resolution (str): ``'image'`` or ``'feature'``, see above.
            Defaults to 'image'.
        source_ce_temperature (float, optional): Divide the logits by it
            before the source cross-entropy (official code: 1.8).
            Defaults to None.
        disc_term_weight (float): Weight of each term of the
            discriminator loss (official code: 0.5). Defaults to 1.0.
        **kwargs: ``segmentor_checkpoint`` (the source-only warm-up),
            ``target_loss``, ``data_preprocessor`` and ``init_cfg`` of
            :class:`BaseUDASegmentor`.
    """

    def __init__(self,
                 segmentor: ConfigType,
                 discriminator: ConfigType,
                 adv_weight: float = 0.001,
                 domain_encoding: ConfigType = dict(
                     type='DomainEncodingLoss',
                     label_type='soft',
                     temperature=1.8,
                     clip_threshold=0.9),
                 feature_index: int = -1,
                 loss_resolution: str = 'image',
                 source_ce_temperature: Optional[float] = None,
                 disc_term_weight: float = 1.0,
                 **kwargs) -> None:
        super().__init__(
            segmentor=segmentor, discriminator=discriminator, **kwargs)
        if loss_resolution not in LOSS_RESOLUTIONS:
            raise ValueError(f'loss_resolution must be one of '
                             f'{LOSS_RESOLUTIONS}, got {loss_resolution!r}.')
        num_classes = self.model.decode_head.out_channels
        disc_classes = getattr(self.discriminator, 'num_classes', None)
        if disc_classes is not None and disc_classes != num_classes:
            raise ValueError(
                f'The discriminator has num_classes={disc_classes} but the '
                f'decode head predicts {num_classes} classes; set '
                f'discriminator.num_classes={num_classes}.')
        self.adv_weight = adv_weight
        self.domain_encoding = MODELS.build(domain_encoding)
        self.feature_index = feature_index
        self.loss_resolution = loss_resolution
        self.source_ce_temperature = source_ce_temperature
        self.disc_term_weight = disc_term_weight

    def adapted_features(self, outputs: dict) -> Tensor:
        """The feature map the discriminator sees."""
        features = outputs['features']
        if not -len(features) <= self.feature_index < len(features):
            raise IndexError(
                f'feature_index={self.feature_index} but the segmentor '
                f'returns {len(features)} feature maps; pick one of them.')
        return features[self.feature_index]

    def discriminate(self, features: Tensor, class_logits: Tensor,
                     image_size: Tuple[int, int]) -> Tuple[Tensor, Tensor]:
        """Discriminator logits and class logits at the loss resolution."""
        size = image_size if self.loss_resolution == 'image' else None
        disc_logits = self.discriminator(features, size)
        class_logits = resize(
            class_logits,
            size=disc_logits.shape[2:],
            mode='bilinear',
            align_corners=self.model.decode_head.align_corners)
        return disc_logits, class_logits

    @float32_loss
    def source_losses(self, outputs: dict,
                      data_samples: list) -> Dict[str, Tensor]:
        """Supervised source losses, optionally on tempered logits.

        The temperature divides float32 logits, also under autocast.
        """
        if self.source_ce_temperature is not None:
            outputs = dict(
                outputs,
                logits={
                    name: value / self.source_ce_temperature
                    for name, value in outputs['logits'].items()
                })
        return super().source_losses(outputs, data_samples)

    def adversarial_losses(self, outputs: dict,
                           batches: dict) -> Dict[str, Tensor]:
        """Eq. 6: the frozen discriminator's loss on the target features,
        encoded as source; keeps each domain's features, detached class
        logits and image size in ``outputs`` for the discriminator."""
        for domain, out in outputs.items():
            out['adv'] = self.adapted_features(out)
            out['class_logits'] = out['logits']['decode_head'].detach()
            out['size'] = batches[domain]['inputs'].shape[2:]
        target = outputs['target']
        disc_logits, class_logits = self.discriminate(target['adv'],
                                                      target['class_logits'],
                                                      target['size'])
        return {
            f'loss_adv.{FEATURE_LEVEL}':
            self.adv_weight *
            self.domain_encoding(disc_logits, class_logits, 'source')
        }

    def discriminator_losses(self, outputs: dict) -> tuple:
        """Eq. 5 on the detached features, the discriminator's accuracy and
        the class knowledge of the encodings, per domain."""
        losses, diagnostics = {}, {}
        for domain in ('source', 'target'):
            out = outputs[domain]
            disc_logits, class_logits = self.discriminate(
                out['adv'].detach(), out['class_logits'], out['size'])
            losses[f'loss_disc.{FEATURE_LEVEL}.{domain}'] = (
                self.disc_term_weight *
                self.domain_encoding(disc_logits, class_logits, domain))
            diagnostics[f'acc_disc.{FEATURE_LEVEL}.{domain}'] = (
                self.domain_encoding.domain_accuracy(disc_logits, domain))
            for key, value in self.domain_encoding.knowledge_statistics(
                    class_logits).items():
                diagnostics[f'encoding.{domain}.{key}'] = value
        return losses, diagnostics
