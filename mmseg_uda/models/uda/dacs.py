"""DACS: domain adaptation via cross-domain mixed sampling.

Tranheden et al., "DACS: Domain Adaptation via Cross-domain Mixed
Sampling", WACV 2021. The self-training core that DAFormer, HRDA and MIC
extend.
"""
from typing import Dict, Optional

import torch
from mmengine.optim import OptimWrapperDict
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from mmseg.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor

from ..heads.hrda_head import HRDAFeatures
# the default teacher and pseudo labeler, and MIC, registered
from ..utils.block_masking import MaskedImageConsistency  # noqa: F401
from ..utils.class_mix import class_mix_masks, mix
from ..utils.ema_teacher import EMATeacher  # noqa: F401
from ..utils.pixel_weighted_losses import pixel_weighted_head_losses
from ..utils.pseudo_labeler import QualityPseudoLabeler  # noqa: F401
from ..utils.strong_augment import augment_inputs
from .base_uda_segmentor import BaseUDASegmentor


@MODELS.register_module()
class DACS(BaseUDASegmentor):
    """Self-training with a mean teacher on ClassMix-ed images.

    One iteration (``AdversarialTrainStep`` without discriminator):

    1. the student (``segmentor``) is trained on the source batch
       (``source.{head}.loss_*``, :meth:`source_losses`);
    2. the EMA teacher labels the un-augmented target batch without
       autograd (:class:`QualityPseudoLabeler`: argmax, quality weight q);
       pixels on the margins of :class:`PseudoLabelMargins` get weight 0;
    3. per pair i, half of the classes of source label i are pasted onto
       target image i (ClassMix); labels and pixel weights (1 on source
       pixels, q on target pixels) are mixed alike; the mixed images get
       colour jitter and Gaussian blur;
    4. the student is trained on the mixed batch with the pixel-weighted
       cross-entropy of every head (``mix.{head}.loss_*``);
    5. optionally (MIC, ``masked_consistency``), the student is trained on
       the colour-augmented, block-masked target batch against the
       teacher's labels and weights of step 2 (``masked.{head}.loss_*``);
    6. after the student's optimizer step, the teacher moves towards it
       (:class:`EMATeacher`).

    Each source image and each mixed image goes through the student once;
    the target images go through the teacher once (and, with MIC, their
    masked copies through the student). The segmentor may be any
    ``EncoderDecoder``, HRDA's :class:`HRDAEncoderDecoder` included (the
    teacher labels whole images through ``encode_decode``; the feature
    distance uses HRDA's context features). The quality weight is logged
    as ``pseudo_label.quality``. Inference uses the student, as DACS' and
    DAFormer's evaluation do.

    Args:
        segmentor (dict): Any ``EncoderDecoder``-style segmentor config.
        teacher (dict): :class:`EMATeacher` options (the student is passed
            in). Default: ``alpha=0.99`` (DACS).
        pseudo_labeler (dict): :class:`QualityPseudoLabeler` config.
            Default: threshold 0.968, one q per batch (official code).
        color_jitter (dict, optional): ``strength`` and ``prob`` of
            :func:`color_jitter` on the mixed images; None switches it off.
            Default: strength 0.2, applied with probability 0.8.
        blur (dict, optional): ``prob``, ``sigma_range`` of
            :func:`gaussian_blur`; None switches it off. Default: p 0.5,
            sigma in [0.15, 1.15].
        mix_loss_weight (float): Factor on the mixed batch's losses.
            Default: 1.0.
        feature_distance (dict, optional): A loss on the student's source
            features, called as ``loss(features, inputs, labels)`` and
            logged as ``source.loss_feat_dist``, e.g. DAFormer's
            :class:`FeatureDistanceLoss`. Default: None.
        masked_consistency (dict, optional): MIC's
            :class:`MaskedImageConsistency`: the student also learns the
            teacher's pseudo labels (with their weights) from colour-
            augmented, block-masked target images, logged as
            ``masked.{head}.*`` and scaled by its ``loss_weight``.
            Default: None.
        **kwargs: ``segmentor_checkpoint``, ``allow_partial_checkpoint``,
            ``data_preprocessor``, ``init_cfg`` of
            :class:`BaseUDASegmentor`.
    """

    def __init__(self,
                 segmentor: ConfigType,
                 teacher: ConfigType = dict(type='EMATeacher', alpha=0.99),
                 pseudo_labeler: ConfigType = dict(
                     type='QualityPseudoLabeler', threshold=0.968),
                 color_jitter: OptConfigType = dict(strength=0.2, prob=0.8),
                 blur: OptConfigType = dict(
                     prob=0.5, sigma_range=(0.15, 1.15)),
                 mix_loss_weight: float = 1.0,
                 feature_distance: OptConfigType = None,
                 masked_consistency: OptConfigType = None,
                 **kwargs) -> None:
        for name in ('discriminator', 'target_loss'):
            if kwargs.get(name) is not None:
                raise ValueError(
                    f'DACS takes no `{name}`: its target term is the mixed '
                    'batch against the teacher\'s pseudo labels.')
        super().__init__(segmentor=segmentor, **kwargs)
        self.teacher = MODELS.build(
            teacher, default_args=dict(student=self.model))
        self.pseudo_labeler = MODELS.build(pseudo_labeler)
        self.color_jitter = dict(color_jitter) if color_jitter else None
        self.blur = dict(blur) if blur else None
        self.mix_loss_weight = mix_loss_weight
        self.feature_distance = (
            MODELS.build(feature_distance) if feature_distance else None)
        self.masked_consistency = (
            MODELS.build(masked_consistency) if masked_consistency else None)

    def init_weights(self) -> None:
        """Initialise the student, then start the teacher as its copy."""
        super().init_weights()
        self.teacher.copy_from(self.model)

    # -- training -----------------------------------------------------------
    @property
    def trains_on_target(self) -> bool:
        return False  # the target goes through the teacher only

    def extra_losses(self, outputs: dict, batches: dict) -> Dict[str, Tensor]:
        """Teacher pseudo labels, ClassMix and the mixed-batch loss.

        Adds the student's outputs on the mixed batch as ``outputs['mix']``.
        """
        source, target = batches['source'], batches['target']
        teacher_logits = self.teacher(target['inputs'])
        labels, weights, quality = self.pseudo_labeler(
            teacher_logits, self.valid_pixels(target))
        margins = self._margin_mask(target)
        if margins is not None:
            weights = weights * margins
        mixed = self.mix_batch(source, target['inputs'], labels, weights)
        outputs['mix'] = self.segmentor(mixed['inputs'])
        losses = self.mix_losses(outputs['mix'], mixed['data_samples'],
                                 mixed['weights'])
        losses['pseudo_label.quality'] = quality.mean()
        if self.masked_consistency is not None:
            losses.update(
                self.masked_losses(target, labels, weights, outputs))
        if self.feature_distance is not None:
            losses['source.loss_feat_dist'] = self.feature_distance_loss(
                outputs['source']['features'], source)
        return losses

    def feature_distance_loss(self, features: object,
                              source: dict) -> Tensor:
        """The feature distance on the student's source features; with
        HRDA on its low-resolution context features and context images."""
        inputs = source['inputs']
        if isinstance(features, HRDAFeatures):
            features = features.context
            inputs = self.model.context_inputs(inputs)
        labels = torch.stack(
            [sample.gt_sem_seg.data[0] for sample in source['data_samples']])
        return self.feature_distance(features, inputs, labels)

    def mix_batch(self, source: dict, target_inputs: Tensor,
                  pseudo_labels: Tensor, pseudo_weights: Tensor) -> dict:
        """ClassMix of source over target, then strong augmentation.

        Args:
            source (dict): The preprocessed source batch.
            target_inputs (Tensor): The preprocessed target images.
            pseudo_labels (Tensor): (N, H, W) teacher labels.
            pseudo_weights (Tensor): (N, H, W) pixel weights.

        Returns:
            dict: ``inputs`` (normalised like the batches), ``data_samples``
            carrying the mixed labels, and the mixed pixel ``weights``.
        """
        samples = source['data_samples']
        source_labels = torch.stack(
            [sample.gt_sem_seg.data[0] for sample in samples])
        ignore_index = self.model.decode_head.ignore_index
        masks = class_mix_masks(source_labels, ignore_index=ignore_index)
        inputs = mix(masks, source['inputs'], target_inputs)
        labels = mix(masks, source_labels, pseudo_labels)
        weights = mix(masks, torch.ones_like(pseudo_weights), pseudo_weights)
        inputs = self.strong_augment(inputs)
        return dict(
            inputs=inputs,
            data_samples=self._labelled(samples, labels),
            weights=weights)

    def masked_losses(self, target: dict, pseudo_labels: Tensor,
                      pseudo_weights: Tensor,
                      outputs: dict) -> Dict[str, Tensor]:
        """MIC: the pseudo labels learned from masked target images.

        The teacher's labels and weights of the un-masked, un-mixed target
        (margins applied) supervise the student on the augmented, masked
        target images (``outputs['masked']``); ``masked.{head}.*``.
        """
        mic = self.masked_consistency
        masked = mic.masked_inputs(target['inputs'], self.data_preprocessor)
        outputs['masked'] = self.segmentor(masked)
        samples = self._labelled(target['data_samples'], pseudo_labels)
        losses = pixel_weighted_head_losses(self.heads,
                                            outputs['masked']['logits'],
                                            samples, pseudo_weights)
        return {
            f'masked.{name}':
            (mic.loss_weight * value if 'loss' in name else value)
            for name, value in losses.items()
        }

    @staticmethod
    def _labelled(samples: SampleList, labels: Tensor) -> SampleList:
        """Copies of ``samples``' meta information with ``labels``."""
        labelled = []
        for sample, label in zip(samples, labels):
            new = SegDataSample(metainfo=sample.metainfo)
            new.gt_sem_seg = PixelData(data=label[None])
            labelled.append(new)
        return labelled

    def strong_augment(self, inputs: Tensor) -> Tensor:
        """Colour jitter and blur of normalised images (in [0, 1] space)."""
        return augment_inputs(inputs, self.data_preprocessor,
                              self.color_jitter, self.blur)

    def mix_losses(self, outputs: dict, data_samples: SampleList,
                   weights: Tensor) -> Dict[str, Tensor]:
        """Pixel-weighted losses of every head, ``mix.{head}.{name}``."""
        losses = pixel_weighted_head_losses(self.heads, outputs['logits'],
                                            data_samples, weights)
        return {
            f'mix.{name}':
            (self.mix_loss_weight * value if 'loss' in name else value)
            for name, value in losses.items()
        }

    def update_generators(self, optim_wrapper: OptimWrapperDict,
                          losses: Dict[str, Tensor],
                          outputs: dict) -> Dict[str, Tensor]:
        """Step the student, then move the teacher (step 6)."""
        log_vars = super().update_generators(optim_wrapper, losses, outputs)
        # with gradient accumulation, only after a real optimizer step
        if optim_wrapper['segmentor'].should_update():
            self.teacher.update(self.model)
        return log_vars

    @staticmethod
    def valid_pixels(batch: dict) -> Tensor:
        """False on the padding the preprocessor added to each image."""
        inputs = batch['inputs']
        valid = torch.zeros(
            inputs.shape[:1] + inputs.shape[2:],
            dtype=torch.bool,
            device=inputs.device)
        for i, sample in enumerate(batch['data_samples']):
            height, width = sample.metainfo.get('img_shape',
                                                inputs.shape[2:])[:2]
            valid[i, :height, :width] = True
        return valid

    @staticmethod
    def _margin_mask(batch: dict) -> Optional[Tensor]:
        """The pseudo-label margins of :class:`PseudoLabelMargins`.

        (N, H, W) float, 0 on the margins (and the padding) of the samples
        that carry ``valid_pseudo_mask``, 1 elsewhere; None when no sample
        carries one. As in DAFormer and HRDA the quality weight is counted
        over the whole image and the margins only zero the weights.
        """
        samples = batch['data_samples']
        if not any('valid_pseudo_mask' in sample for sample in samples):
            return None
        inputs = batch['inputs']
        mask = torch.ones(
            inputs.shape[:1] + inputs.shape[2:], device=inputs.device)
        for i, sample in enumerate(samples):
            if 'valid_pseudo_mask' in sample:
                valid = sample.valid_pseudo_mask.data[0]
                mask[i] = 0.
                mask[i, :valid.shape[0], :valid.shape[1]] = valid.to(mask)
        return mask
