"""CIRN stage 2: adaptive semantic segmentation with the ACM.

Gao et al., "Addressing Domain Gap via Content Invariant Representation for
Semantic Segmentation", AAAI 2021, Eq. 6-8, with the pieces the paper takes
from CLAN (Luo et al., "Taking a Closer Look at Domain Shift: Category-level
Adversaries for Semantics Consistent Domain Adaptation", CVPR 2019) as
CLAN's official code implements them.
"""
from typing import Dict, Optional, Tuple

import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor

from ..losses import cosine_distance_map
from ..utils import loss_prefix
from .adaptsegnet import AdaptSegNet

#: ``seg_loss`` values: one CE on ``p1 + p2`` (Eq. 6) or CLAN's CE per
#: classifier.
SEG_LOSSES = ('sum', 'each')
#: Names of the two branches of an ACM head in the ``seg_loss='each'`` keys.
BRANCH_NAMES = ('c', 'acm')


@MODELS.register_module()
class CIRN(AdaptSegNet):
    """Output-space adaptation weighted by the discrepancy of C and the ACM.

    The segmentor's adapted heads are :class:`ACMHead` s: classifier C
    (logits ``p1``) plus the Ancillary Classifier Module (logits ``p2``),
    whose sum is the prediction. Per iteration, as AdaptSegNet (the
    discriminator frozen for the first step, then trained on the detached
    predictions of the same forward pass):

    1. the segmentor minimises, on a (translated, CIR) source batch with
       labels and an unlabelled target batch,
       ``L_seg + lambda_adv * d * L_adv^G + d * L_w``:

       - ``L_seg`` (Eq. 6): cross-entropy of ``softmax(p1 + p2)`` against
         the source labels (``seg_loss='each'``: CLAN's
         ``CE(p1) + CE(p2)``);
       - ``L_adv^G`` (Eq. 7, the segmentor's side): BCE of the
         discriminator's per-pixel logits on the target prediction
         ``softmax(p1 + p2)`` against the *source* label, each pixel
         weighted by ``epsilon + lambda_cos * R``, where
         ``R = 1 - cos(softmax(p1), softmax(p2))`` at that pixel
         (:func:`cosine_distance_map`; predictions upsampled to the input
         size first). As in CLAN's code R is not detached here;
       - ``L_w``: the weight discrepancy of C and the ACM's classifier
         (``WeightDiscrepancyLoss``, CLAN's ``cos + 1``), not in Eq. 8 but
         imposed "following Luo et al. 2019";

    2. the discriminator minimises Eq. 7 itself: BCE of the source
       prediction against the source label plus the BCE of the target
       prediction against the target label, weighted per pixel by the
       (detached) ``epsilon + lambda_cos * R``.

    CLAN's schedule around these terms is reproduced with two options: for
    the first ``preheat_iters`` iterations (CLAN: 1/20 of the run) the
    target terms are unweighted BCE, and ``damping`` multiplies
    ``lambda_adv * L_adv^G`` and ``L_w`` by ``1 - iter / max_iters``. The
    iteration and its total are read from the runner's ``MessageHub``;
    outside a runner (no ``max_iters`` there) the damping factor is 1.

    Logged: the segmentation loss (``source.decode.loss_ce``),
    the totals ``loss.segmentor`` and ``loss.discriminator``,
    ``loss_adv.{level}``, ``loss_weight_discrepancy.{head}``,
    ``loss_disc.{level}.source`` / ``.target``, the mean of R on the
    target batch, ``cos_distance.{level}``, and the discriminator's
    accuracy per domain, ``acc_disc.{level}.source`` / ``.target`` (see
    :class:`AdaptSegNet`).

    Args:
        segmentor (dict): An ``EncoderDecoder``-style segmentor whose
            adapted heads are ``ACMHead`` s.
        discriminator (dict): A ``MultiLevelDiscriminator`` config; its
            levels are the adapted heads (``decode_head``).
        adv_weights (dict[str, float]): ``lambda_adv`` per level (paper:
            0.001).
        lambda_cos (float): Weight of R in the per-pixel weight (paper: 40).
            Default: 40.
        epsilon (float): Constant of the per-pixel weight (paper: 0.4).
            Default: 0.4.
        weight_discrepancy (dict, optional): The weight-discrepancy loss,
            applied to every head with ``classifier_params``; None disables
            it. Default: ``WeightDiscrepancyLoss(loss_weight=0.02)`` (CLAN's
            code: ``2 * 0.01``).
        seg_loss (str): ``'sum'`` (Eq. 6) or ``'each'`` (CLAN).
            Default: 'sum'.
        preheat_iters (int): Iterations with unweighted target terms
            (CLAN: 5,000 of 100,000). Default: 0.
        damping (bool): CLAN's linear damping of the segmentor's
            adversarial and weight-discrepancy terms. Default: True.
        detach_pixel_weight (bool): Detach R in the segmentor's adversarial
            term (CLAN does not). Default: False.
        **kwargs: ``gan_loss`` (the paper's Eq. 7 is the default vanilla
            log loss), ``source_label``, ``target_label`` of
            :class:`AdaptSegNet`; ``segmentor_checkpoint``,
            ``data_preprocessor``, ``init_cfg`` of ``BaseUDASegmentor``.
    """

    def __init__(self,
                 segmentor: ConfigType,
                 discriminator: ConfigType,
                 adv_weights: Dict[str, float],
                 lambda_cos: float = 40.0,
                 epsilon: float = 0.4,
                 weight_discrepancy: OptConfigType = dict(
                     type='WeightDiscrepancyLoss', loss_weight=0.02),
                 seg_loss: str = 'sum',
                 preheat_iters: int = 0,
                 damping: bool = True,
                 detach_pixel_weight: bool = False,
                 **kwargs) -> None:
        super().__init__(
            segmentor=segmentor,
            discriminator=discriminator,
            adv_weights=adv_weights,
            **kwargs)
        heads = self.heads
        plain = [
            level for level in self.adv_weights
            if not hasattr(heads.get(level), 'forward_branches')
        ]
        if plain:
            raise ValueError(
                f'CIRN weights the adversarial loss of each level by the '
                f'discrepancy of two classifiers, but levels {plain} are no '
                "heads with two branches; use type='ACMHead' for them.")
        if seg_loss not in SEG_LOSSES:
            raise ValueError(f'CIRN: seg_loss must be one of {SEG_LOSSES}, '
                             f'got {seg_loss!r}.')
        self.lambda_cos = lambda_cos
        self.epsilon = epsilon
        self.weight_discrepancy = (
            MODELS.build(weight_discrepancy) if weight_discrepancy else None)
        self.seg_loss = seg_loss
        self.preheat_iters = preheat_iters
        self.damping = damping
        self.detach_pixel_weight = detach_pixel_weight

    def schedule(self) -> Tuple[float, bool]:
        """CLAN's damping factor and whether the pre-heat is over."""
        message_hub = MessageHub.get_current_instance()
        iteration = message_hub.get_info('iter') or 0
        max_iters = message_hub.get_info('max_iters')
        factor = 1.0
        if self.damping and max_iters:
            factor = 1.0 - iteration / max_iters
        return factor, iteration >= self.preheat_iters

    def source_losses(self, outputs: dict,
                      data_samples: SampleList) -> Dict[str, Tensor]:
        """Eq. 6 (one CE on ``p1 + p2``) or CLAN's CE of each branch."""
        losses = super().source_losses(outputs, data_samples)
        if self.seg_loss == 'sum':
            return losses
        heads = self.heads
        for name, branches in outputs['branch_logits'].items():
            prefix = f'source.{loss_prefix(name)}'
            losses = {
                k: v
                for k, v in losses.items() if not k.startswith(prefix + '.')
            }
            for branch_name, logits in zip(BRANCH_NAMES, branches):
                for key, value in heads[name].loss_by_feat(
                        logits, data_samples).items():
                    losses[f'{prefix}.{branch_name}.{key}'] = value
        return losses

    def cosine_distances(self, outputs: dict,
                         image_size: tuple) -> Dict[str, Tensor]:
        """R (N, 1, H, W) per level, on the probabilities at image size."""
        heads = self.heads
        distances = {}
        for level in self.adv_weights:
            probs = [
                F.softmax(
                    resize(
                        logits,
                        size=image_size,
                        mode='bilinear',
                        align_corners=heads[level].align_corners),
                    dim=1) for logits in outputs['branch_logits'][level]
            ]
            distances[level] = cosine_distance_map(*probs)
        return distances

    def adversarial_losses(self, outputs: dict,
                           batches: dict) -> Dict[str, Tensor]:
        """``factor * lambda_adv * L_adv^G`` weighted per pixel by
        ``epsilon + lambda_cos * R`` (Eq. 7, the segmentor's side), and the
        mean of R, ``cos_distance.{level}``. Keeps the schedule and the
        pixel weights in ``outputs`` for the discriminator."""
        factor, weighted = self.schedule()
        for domain, out in outputs.items():
            out['adv'] = self.adversarial_inputs(
                out, batches[domain]['inputs'].shape[2:])
        target = outputs['target']
        distances = self.cosine_distances(
            target, batches['target']['inputs'].shape[2:])
        target['pixel_weights'] = {
            level: self.epsilon + self.lambda_cos * distance
            for level, distance in distances.items()
        } if weighted else None
        target['damping_factor'] = factor
        tgt_scores = self.discriminator(target['adv'])
        losses = {}
        for level, weight in self.adv_weights.items():
            pixel_weight = None
            if weighted:
                pixel_weight = target['pixel_weights'][level]
                if self.detach_pixel_weight:
                    pixel_weight = pixel_weight.detach()
            losses[f'loss_adv.{level}'] = factor * weight * self.gan_loss(
                tgt_scores[level], self.source_label, pixel_weight)
            losses[f'cos_distance.{level}'] = distances[level].detach().mean()
        return losses

    def extra_losses(self, outputs: dict, batches: dict) -> Dict[str, Tensor]:
        """``factor * L_w`` of every head with two classifiers."""
        if self.weight_discrepancy is None:
            return {}
        factor = outputs['target']['damping_factor']
        losses = {}
        for name, head in self.heads.items():
            if hasattr(head, 'classifier_params'):
                losses[f'loss_weight_discrepancy.{name}'] = (
                    factor *
                    self.weight_discrepancy(*head.classifier_params()))
        return losses

    def discriminator_pixel_weight(self, outputs: dict, level: str,
                                   domain: str) -> Optional[Tensor]:
        """The detached ``epsilon + lambda_cos * R`` on the target term."""
        weights = outputs['target']['pixel_weights']
        if domain != 'target' or weights is None:
            return None
        return weights[level].detach()
