"""AdaptSegNet: adversarial adaptation in the output space.

Tsai et al., "Learning to Adapt Structured Output Space for Semantic
Segmentation", CVPR 2018.
"""
from typing import Dict, Optional

import torch.nn.functional as F
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import ConfigType
from torch import Tensor

from .base_uda_segmentor import BaseUDASegmentor

#: Level name of the adversarial input taken from the backbone/neck
#: features (feature-level adaptation) instead of a head's softmax.
FEATURE_LEVEL = 'features'


@MODELS.register_module()
class AdaptSegNet(BaseUDASegmentor):
    """Single- or multi-level adversarial output-space adaptation.

    Each key of ``discriminator.discriminators`` names an adapted level:
    a head of the segmentor (``decode_head`` = conv5 classifier,
    ``auxiliary_head`` = conv4 classifier) whose upsampled softmax the
    discriminator sees, or ``features`` for the last backbone/neck feature
    map (the paper's feature-level ablation).

    Per iteration (paper Sec. 4, 5): the segmentor minimises
    ``sum_i lambda_seg^i L_seg^i(I_s) + sum_i lambda_adv^i L_adv^i(I_t)``
    (Eq. 5, the ``lambda_seg`` being each head's ``loss_decode`` weight)
    with the discriminators frozen, then the discriminators minimise Eq. 2 on
    the detached source and target predictions of the same forward pass.

    Besides the losses, every step logs each discriminator's accuracy on
    the source and on the target batch, ``acc_disc.{level}.source`` /
    ``.target`` (:meth:`discriminator_accuracies`, from the outputs of its
    own step, before it updates): near 0.5 on both, the discriminator
    cannot tell the domains apart; near 1, the adversarial term has not
    aligned them. No target label is needed to watch it.

    Args:
        segmentor (dict): Any ``EncoderDecoder``-style segmentor config.
        discriminator (dict): A ``MultiLevelDiscriminator`` config.
        adv_weights (dict[str, float]): ``lambda_adv`` per level, same keys
            as the discriminators (paper: 0.001 for conv5, 0.0002 for
            conv4; 0.0005 for Cross-City).
        gan_loss (dict): Adversarial loss config, ``GANLoss`` with
            ``gan_type='vanilla'`` (BCE, the paper) or ``'lsgan'``.
        source_label (float): Discriminator target for source predictions.
            The paper uses z=1 for source (the official code uses 0; only
            the convention differs). Default: 1.0.
        target_label (float): Discriminator target for target predictions.
            Default: 0.0.
        **kwargs: ``target_loss``, ``segmentor_checkpoint`` (e.g. a
            source-only model), ``data_preprocessor`` and ``init_cfg`` of
            :class:`BaseUDASegmentor`.
    """

    def __init__(self,
                 segmentor: ConfigType,
                 discriminator: ConfigType,
                 adv_weights: Dict[str, float],
                 gan_loss: ConfigType = dict(
                     type='GANLoss', gan_type='vanilla'),
                 source_label: float = 1.0,
                 target_label: float = 0.0,
                 **kwargs) -> None:
        super().__init__(
            segmentor=segmentor, discriminator=discriminator, **kwargs)
        levels = set(self.discriminator.levels)
        if set(adv_weights) != levels:
            raise ValueError(
                f'adv_weights keys {sorted(adv_weights)} must match the '
                f'discriminator levels {sorted(levels)}.')
        heads = set(self.heads)
        unknown = levels - heads - {FEATURE_LEVEL}
        if unknown:
            raise ValueError(
                f'Discriminator levels {sorted(unknown)} are neither heads '
                f'of the segmentor {sorted(heads)} nor "{FEATURE_LEVEL}".')
        self.adv_weights = dict(adv_weights)
        self.gan_loss = MODELS.build(gan_loss)
        self.source_label = source_label
        self.target_label = target_label

    def adversarial_inputs(self, outputs: dict,
                           image_size: Optional[tuple]) -> Dict[str, Tensor]:
        """Discriminator input per level: upsampled softmax or features."""
        inputs = {}
        heads = self.heads
        for level in self.adv_weights:
            if level == FEATURE_LEVEL:
                inputs[level] = outputs['features'][-1]
                continue
            logits = resize(
                outputs['logits'][level],
                size=image_size,
                mode='bilinear',
                align_corners=heads[level].align_corners)
            inputs[level] = F.softmax(logits, dim=1)
        return inputs

    def discriminator_accuracies(
            self, src_scores: Dict[str, Tensor],
            tgt_scores: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """``acc_disc.{level}.source`` / ``.target`` of the given outputs.

        Args:
            src_scores (dict[str, Tensor]): Discriminator outputs on the
                source predictions, per level.
            tgt_scores (dict[str, Tensor]): The same on the target.

        Returns:
            dict[str, Tensor]: Share of outputs on the side of their own
            domain's label (:meth:`GANLoss.accuracy`), per level and domain.
        """
        accuracies = {}
        for level in self.adv_weights:
            accuracies[f'acc_disc.{level}.source'] = self.gan_loss.accuracy(
                src_scores[level], self.source_label, self.target_label)
            accuracies[f'acc_disc.{level}.target'] = self.gan_loss.accuracy(
                tgt_scores[level], self.target_label, self.source_label)
        return accuracies

    def adversarial_losses(self, outputs: dict,
                           batches: dict) -> Dict[str, Tensor]:
        """Eq. 4: the frozen discriminator's loss on the target, labelled
        as source, per level; keeps each domain's discriminator inputs in
        ``outputs[domain]['adv']`` for :meth:`discriminator_losses`."""
        for domain, out in outputs.items():
            out['adv'] = self.adversarial_inputs(
                out, batches[domain]['inputs'].shape[2:])
        tgt_scores = self.discriminator(outputs['target']['adv'])
        return {
            f'loss_adv.{level}':
            weight * self.gan_loss(tgt_scores[level], self.source_label)
            for level, weight in self.adv_weights.items()
        }

    def discriminator_losses(self, outputs: dict) -> tuple:
        """Eq. 2 on the detached predictions of step 1, per level and
        domain, and the discriminator's accuracies."""
        scores = {
            domain:
            self.discriminator({
                k: v.detach()
                for k, v in outputs[domain]['adv'].items()
            })
            for domain in ('source', 'target')
        }
        labels = dict(source=self.source_label, target=self.target_label)
        losses = {}
        for level in self.adv_weights:
            for domain, label in labels.items():
                losses[f'loss_disc.{level}.{domain}'] = self.gan_loss(
                    scores[domain][level], label,
                    self.discriminator_pixel_weight(outputs, level, domain))
        return losses, self.discriminator_accuracies(scores['source'],
                                                     scores['target'])

    def discriminator_pixel_weight(self, outputs: dict, level: str,
                                   domain: str) -> Optional[Tensor]:
        """Per-pixel weight of a discriminator term; None (unweighted)."""
        return None
