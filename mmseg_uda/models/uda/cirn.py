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
from mmengine.optim import OptimWrapperDict
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor

from ..losses import cosine_distance_map
from .adaptsegnet import AdaptSegNet
from .base_uda_segmentor import set_requires_grad

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

    Logged: the segmentation loss (``decode.loss_ce``),
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
        gan_loss (dict): ``GANLoss`` config; the paper's Eq. 7 is the
            vanilla (log) loss. Default: ``GANLoss(gan_type='vanilla')``.
        source_label (float): Discriminator label of source predictions.
            Default: 1.0.
        target_label (float): Discriminator label of target predictions.
            Default: 0.0.
        segmentor_checkpoint (str, optional): Checkpoint of the segmentor
            to start from.
        data_preprocessor (dict, optional): See ``BaseUDASegmentor``.
        init_cfg (dict, optional): Initialisation config.
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
        heads = self.segmentor_forward.heads()
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
        forward = self.segmentor_forward
        losses = forward.loss_by_logits(outputs['logits'], data_samples)
        if self.seg_loss == 'sum':
            return losses
        heads = forward.heads()
        for name, branches in outputs['branch_logits'].items():
            prefix = forward.loss_prefix(name)
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
        heads = self.segmentor_forward.heads()
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

    def weight_discrepancy_losses(self, factor: float) -> Dict[str, Tensor]:
        """``factor * L_w`` of every head with two classifiers."""
        if self.weight_discrepancy is None:
            return {}
        losses = {}
        for name, head in self.segmentor_forward.heads().items():
            if hasattr(head, 'classifier_params'):
                losses[f'loss_weight_discrepancy.{name}'] = (
                    factor *
                    self.weight_discrepancy(*head.classifier_params()))
        return losses

    def train_uda_step(self, source: dict, target: dict,
                       optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        seg_optim = optim_wrapper['segmentor']
        disc_optim = optim_wrapper['discriminator']
        factor, weighted = self.schedule()

        # 1) segmentor: Eq. 6 + lambda_adv * Eq. 7 (target term) + L_w.
        set_requires_grad(self.discriminator, False)
        with seg_optim.optim_context(self.segmentor):
            src_out = self.segmentor(source['inputs'])
            losses = self.source_losses(src_out, source['data_samples'])
            tgt_out = self.segmentor(target['inputs'])
            src_adv = self.adversarial_inputs(src_out,
                                              source['inputs'].shape[2:])
            tgt_adv = self.adversarial_inputs(tgt_out,
                                              target['inputs'].shape[2:])
            distances = self.cosine_distances(tgt_out,
                                              target['inputs'].shape[2:])
            pixel_weights = {
                level: self.epsilon + self.lambda_cos * distance
                for level, distance in distances.items()
            }
            tgt_scores = self.discriminator(tgt_adv)
            for level, weight in self.adv_weights.items():
                pixel_weight = pixel_weights[level] if weighted else None
                if pixel_weight is not None and self.detach_pixel_weight:
                    pixel_weight = pixel_weight.detach()
                losses[f'loss_adv.{level}'] = factor * weight * self.gan_loss(
                    tgt_scores[level], self.source_label, pixel_weight)
                losses[f'cos_distance.{level}'] = distances[level].detach(
                ).mean()
            losses.update(self.weight_discrepancy_losses(factor))
        log_vars = self.update(seg_optim, losses)

        # 2) discriminator: Eq. 7 on the detached predictions.
        set_requires_grad(self.discriminator, True)
        with disc_optim.optim_context(self.discriminator):
            src_scores = self.discriminator({
                k: v.detach()
                for k, v in src_adv.items()
            })
            tgt_scores = self.discriminator({
                k: v.detach()
                for k, v in tgt_adv.items()
            })
            disc_losses = {}
            for level in self.adv_weights:
                pixel_weight = (
                    pixel_weights[level].detach() if weighted else None)
                disc_losses[f'loss_disc.{level}.source'] = self.gan_loss(
                    src_scores[level], self.source_label)
                disc_losses[f'loss_disc.{level}.target'] = self.gan_loss(
                    tgt_scores[level], self.target_label, pixel_weight)
        log_vars.update(self.update(disc_optim, disc_losses))
        log_vars.update(self.discriminator_accuracies(src_scores, tgt_scores))
        return log_vars
