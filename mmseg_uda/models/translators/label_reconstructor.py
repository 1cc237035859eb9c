"""Pre-training of LDR's reconstruction network on source labels."""
from typing import Dict, Optional, Tuple

import torch
from mmengine.model import BaseModel, is_model_wrapper
from mmengine.optim import OptimWrapperDict
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor

from ..losses import LabelReconstructionLoss
from ..utils import (AdversarialTrainStep, check_optim_wrapper,
                     one_hot_label_map)


@MODELS.register_module()
class LabelReconstructor(AdversarialTrainStep, BaseModel):
    """LDR's M and D_1..3, pre-trained to draw source images from labels.

    Yang et al., "Label-Driven Reconstruction for Domain Adaptation in
    Semantic Segmentation", ECCV 2020, Sec. 4.3: "The reconstruction network
    is first pre-trained by reconstructing source images X_s from the
    corresponding labels Y_s". The labels enter as one-hot maps (ignored
    pixels all zero); the losses are pix2pixHD's (Wang et al., CVPR 2018):
    M minimises ``gan_weight * sum_k GAN(D_k(Y, M(Y)), 1) + rec_weight *
    (FM + VGG)`` against the frozen discriminators, then the discriminators
    minimise ``0.5 * sum_k [GAN(D_k(Y, X), 1) + GAN(D_k(Y, M(Y)), 0)]``
    (:class:`LabelReconstructionLoss`, the child ``reconstruction_loss``),
    in the one step of :class:`AdversarialTrainStep`. The children keep the
    names :class:`LDR` gives them, so its ``reconstructor_checkpoint`` loads
    this model's checkpoints.

    Trained with ``tools/train.py`` on a labelled source dataset (not a
    ``UDADataset``); one optimizer per child (``reconstructor``,
    ``recon_discriminator``). No validation loop:
    ``tools/analysis_tools/reconstruction_distance.py`` measures the
    reconstructions.

    Args:
        num_classes (int): Classes C of the label maps. Default: 19.
        reconstructor (dict): M, label map -> RGB image in [-1, 1].
            Default: ``ResNetGenerator(in_channels=19)``.
        recon_discriminator (dict): D_1..3 on [label map, image].
            Default: pix2pixHD's three PatchGANs with ``C + 3`` inputs.
        recon_gan_loss (dict): GAN loss of M and D_k. Default: LS-GAN
            (pix2pixHD).
        feature_matching_loss (dict): Discriminator feature matching.
        perceptual_loss (dict, optional): VGG19 perceptual loss; None
            leaves it out.
        gan_weight (float): Weight of M's GAN term (pix2pixHD: 1).
            Default: 1.0.
        rec_weight (float): Weight of FM and VGG (pix2pixHD's lambda_feat;
            LDR's beta): 10. Default: 10.0.
        ignore_index (int): Label of ignored pixels. Default: 255.
        data_preprocessor (dict, optional): Images to RGB in [-1, 1].
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 num_classes: int = 19,
                 reconstructor: ConfigType = dict(
                     type='ResNetGenerator', in_channels=19),
                 recon_discriminator: ConfigType = dict(
                     type='MultiScalePatchDiscriminator',
                     discriminator=dict(
                         type='PatchDiscriminator', in_channels=22,
                         padding=2)),
                 recon_gan_loss: ConfigType = dict(
                     type='GANLoss', gan_type='lsgan'),
                 feature_matching_loss: ConfigType = dict(
                     type='FeatureMatchingLoss'),
                 perceptual_loss: OptConfigType = dict(
                     type='VGGPerceptualLoss'),
                 gan_weight: float = 1.0,
                 rec_weight: float = 10.0,
                 ignore_index: int = 255,
                 data_preprocessor: OptConfigType = dict(
                     type='SegDataPreProcessor',
                     mean=[127.5, 127.5, 127.5],
                     std=[127.5, 127.5, 127.5],
                     bgr_to_rgb=True,
                     pad_val=0,
                     seg_pad_val=255,
                     size_divisor=8),
                 init_cfg: OptConfigType = None) -> None:
        if isinstance(data_preprocessor, dict):
            # build in mmseg's scope (BaseModel would use MMEngine's)
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.num_classes = num_classes
        self.reconstructor = MODELS.build(reconstructor)
        self.recon_discriminator = MODELS.build(recon_discriminator)
        LabelReconstructionLoss.check_channels(
            type(self).__name__, self.reconstructor, self.recon_discriminator,
            num_classes)
        self.reconstruction_loss = LabelReconstructionLoss(
            recon_gan_loss, feature_matching_loss, perceptual_loss)
        self.gan_weight = gan_weight
        self.rec_weight = rec_weight
        self.ignore_index = ignore_index

    def label_maps(self, data_samples: SampleList) -> Tensor:
        """One-hot maps (N, C, H, W) of the samples' labels."""
        if not all('gt_sem_seg' in s for s in data_samples):
            raise KeyError(
                'LabelReconstructor learns from the source labels: load them '
                'in the training pipeline (LoadUDAAnnotations).')
        labels = torch.stack([s.gt_sem_seg.data for s in data_samples])
        return one_hot_label_map(labels, self.num_classes, self.ignore_index)

    def reconstruct(self, label_maps: Tensor) -> Tensor:
        """M's images (RGB in [-1, 1]) of label maps (N, C, H, W)."""
        reconstructor = self.reconstructor
        if is_model_wrapper(reconstructor):
            reconstructor = reconstructor.module
        return reconstructor(label_maps)

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[SampleList] = None,
                mode: str = 'tensor') -> Tensor:
        """``mode='tensor'``: the reconstructions of the samples' labels."""
        if mode != 'tensor' or data_samples is None:
            raise NotImplementedError(
                f'{type(self).__name__} supports mode="tensor" with labelled '
                'data_samples only: it is trained by `train_step` and '
                'measured by tools/analysis_tools/reconstruction_distance.py.')
        return self.reconstruct(self.label_maps(data_samples))

    # -- training -----------------------------------------------------------
    generator_children = ('reconstructor', 'recon_discriminator')

    @property
    def adversary_children(self) -> Tuple[str, ...]:
        return ('recon_discriminator', )

    def train_step(self, data: dict,
                   optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        """One pix2pixHD iteration on a batch of labelled images."""
        check_optim_wrapper(self, optim_wrapper)
        if 'source' in data:
            raise TypeError(
                f'{type(self).__name__} trains on one labelled dataset, not a '
                'UDADataset: set train_dataloader.dataset to the source '
                'dataset.')
        data = self.data_preprocessor(data, True)
        return self.adversarial_train_step(data, optim_wrapper)

    def generator_losses(self, data: dict) -> Tuple[Dict[str, Tensor], dict]:
        """M's weighted pix2pixHD terms; the judged pair for D_k's step."""
        rec = self.reconstruction_loss.judge(
            self.reconstructor, self.recon_discriminator,
            self.label_maps(data['data_samples']), data['inputs'])
        losses = {
            name:
            (self.gan_weight if name == 'loss_gan' else self.rec_weight) *
            value
            for name, value in self.reconstruction_loss.generator_terms(
                rec).items()
        }
        return losses, rec

    def adversary_losses(self, name: str, rec: dict) -> tuple:
        loss = self.reconstruction_loss.discriminator_loss(
            self.recon_discriminator, rec)
        return dict(loss_disc=loss), {}
