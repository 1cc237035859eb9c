"""CycleGAN image translator between the source and the target domain.

Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent
Adversarial Networks", ICCV 2017, with the optional consistency terms of BDL
(Li et al., CVPR 2019) and CIRN (Gao et al., AAAI 2021).
"""
from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel, BaseModule, is_model_wrapper
from mmengine.optim import OptimWrapperDict
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor, nn

from ..utils import (AdversarialTrainStep, check_optim_wrapper,
                     load_segmentor_checkpoint, pixel_normalisation,
                     set_requires_grad)
from .image_pool import ImagePool

DOMAINS = ('source', 'target')
OTHER_DOMAIN = dict(source='target', target='source')
#: ``direction`` -> the domain the translator's outputs belong to.
DIRECTIONS = dict(source_to_target='target', target_to_source='source')


class DomainPair(BaseModule):
    """One network per domain behind a single module.

    ``forward(x, domain)`` runs the network of ``domain``: for generators
    the one whose outputs belong to ``domain`` (``generators(x_s,
    'target')`` translates source images to the target domain), for
    discriminators the one that judges images of ``domain``. Keeping both
    networks in one child gives them one optimizer and one DDP wrapper.

    Args:
        cfg (dict): Config of the network, built once per domain.
    """

    def __init__(self, cfg: ConfigType) -> None:
        super().__init__()
        self.source = MODELS.build(cfg)
        self.target = MODELS.build(cfg)

    def forward(self, x: Tensor, domain: str) -> Tensor:
        if domain not in DOMAINS:
            raise ValueError(
                f'domain must be one of {DOMAINS}, got {domain!r}.')
        return getattr(self, domain)(x)


@MODELS.register_module()
class CycleGANTranslator(AdversarialTrainStep, BaseModel):
    """Translate images between the source and the target domain.

    Children (each gets its own optimizer wrapper through
    ``MultiOptimWrapperConstructor`` and its own DDP wrapper through
    ``MMSeparateDistributedDataParallel``):

    - ``generators``: two :class:`ResNetGenerator` s; ``generators.target``
      maps source images to the target domain (CycleGAN's G),
      ``generators.source`` maps target images back (F),
    - ``discriminators``: two :class:`PatchDiscriminator` s;
      ``discriminators.target`` tells real target images from translated
      source images (D_T), ``discriminators.source`` the converse (D_S).

    One iteration on a ``UDADataset`` batch (source = domain A, target =
    domain B): the generators minimise the LS-GAN loss against the frozen
    discriminators, ``cycle_weight`` times the L1 cycle losses,
    ``cycle_weight * identity_weight`` times the L1 identity losses and the
    optional consistency terms; then each discriminator minimises
    ``0.5 * (GAN(real, 1) + GAN(translated, 0))`` with translated images
    drawn from an :class:`ImagePool` of earlier ones.

    Optional consistency terms use a frozen segmentation model given by
    ``segmentor`` and ``segmentor_checkpoint``. It is kept outside the
    module tree (not a child): it gets no optimizer, no DDP wrapper, stays
    in eval mode and is not saved in the translator's checkpoints, which
    hold the generators, the discriminators and the image pools (so that
    ``--resume`` continues exactly); ``init_weights`` reloads
    it from ``segmentor_checkpoint``. Translated images are converted to the
    segmentor's own input normalisation and channel order.

    - ``perceptual_loss`` (BDL Sec. 3.3, :class:`SegPerceptualLoss`):
      segmentation outputs of every image vs those of its translation and
      of its reconstruction, for both domains as in BDL's Eq. 2. The
      outputs on the real images are targets: computed without autograd.
    - ``semantic_loss`` (CIRN Eq. 4, :class:`SemanticConsistencyLoss`):
      the source labels vs the segmentation of the translated source image.

    Args:
        generator (dict): Config of each generator.
            Default: ``dict(type='ResNetGenerator')``.
        discriminator (dict): Config of each discriminator.
            Default: ``dict(type='PatchDiscriminator')``.
        gan_loss (dict): Adversarial loss. Default: LS-GAN (CycleGAN).
        cycle_weight (float): Weight of each cycle loss (CycleGAN's
            lambda, BDL's lambda_recon). Default: 10.
        identity_weight (float): Weight of each identity loss relative to
            ``cycle_weight`` (CycleGAN); 0 disables it. Default: 0.5.
        pool_size (int): Capacity of each image pool; 0 disables them.
            Default: 50.
        direction (str): ``'source_to_target'`` (BDL, CIRN) or
            ``'target_to_source'`` (LDR): which generator :meth:`translate`
            and ``tools/translate.py`` apply. Default: 'source_to_target'.
        segmentor (dict, optional): Config of an ``EncoderDecoder``-style
            mmseg segmentor for the consistency terms.
        segmentor_checkpoint (str, optional): Its weights (plain mmseg or
            UDA checkpoint); required with ``segmentor``.
        perceptual_loss (dict, optional): BDL's perceptual loss.
        semantic_loss (dict, optional): CIRN's semantic-consistency loss.
        data_preprocessor (dict, optional): Images to RGB in [-1, 1].
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 generator: ConfigType = dict(type='ResNetGenerator'),
                 discriminator: ConfigType = dict(type='PatchDiscriminator'),
                 gan_loss: ConfigType = dict(type='GANLoss', gan_type='lsgan'),
                 cycle_weight: float = 10.0,
                 identity_weight: float = 0.5,
                 pool_size: int = 50,
                 direction: str = 'source_to_target',
                 segmentor: OptConfigType = None,
                 segmentor_checkpoint: Optional[str] = None,
                 perceptual_loss: OptConfigType = None,
                 semantic_loss: OptConfigType = None,
                 data_preprocessor: OptConfigType = dict(
                     type='SegDataPreProcessor',
                     mean=[127.5, 127.5, 127.5],
                     std=[127.5, 127.5, 127.5],
                     bgr_to_rgb=True,
                     size_divisor=4),
                 init_cfg: OptConfigType = None) -> None:
        if isinstance(data_preprocessor, dict):
            # build in mmseg's scope (BaseModel would use MMEngine's)
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if direction not in DIRECTIONS:
            raise ValueError(f'direction must be one of {list(DIRECTIONS)}, '
                             f'got {direction!r}.')
        uses_segmentor = bool(perceptual_loss or semantic_loss)
        if uses_segmentor != bool(segmentor):
            raise ValueError(
                'perceptual_loss and semantic_loss need a frozen '
                '`segmentor` (and `segmentor_checkpoint`); a segmentor '
                'without either loss is unused. Set both or neither.')
        if segmentor and not segmentor_checkpoint:
            raise ValueError(
                'A frozen `segmentor` needs `segmentor_checkpoint`: the '
                'consistency losses are meaningless with random weights.')
        self.direction = direction
        self.generators = DomainPair(generator)
        self.discriminators = DomainPair(discriminator)
        self.gan_loss = MODELS.build(gan_loss)
        self.cycle_weight = cycle_weight
        self.identity_weight = identity_weight
        # In the state_dict (extra state), so resumed runs keep the pools.
        self.pools = nn.ModuleDict(
            {domain: ImagePool(pool_size)
             for domain in DOMAINS})
        self.perceptual_loss = (
            MODELS.build(perceptual_loss) if perceptual_loss else None)
        self.semantic_loss = (
            MODELS.build(semantic_loss) if semantic_loss else None)
        self.segmentor_checkpoint = segmentor_checkpoint
        # A plain attribute, not a child: see the class docstring.
        self.__dict__['frozen_segmentor'] = None
        self.flip_channels = False
        if segmentor:
            model = MODELS.build(segmentor)
            model.eval()
            set_requires_grad(model, False)
            self.__dict__['frozen_segmentor'] = model
            self._register_segmentor_normalisation(model.data_preprocessor)

    def _register_segmentor_normalisation(self, preprocessor) -> None:
        """Buffers mapping translator inputs to the segmentor's inputs."""
        mean, std, flip = pixel_normalisation(self.data_preprocessor)
        seg_mean, seg_std, seg_flip = pixel_normalisation(preprocessor)
        # Translator tensors are in the translator's channel order; the
        # segmentor wants its own (they differ when one converts BGR->RGB).
        self.flip_channels = flip != seg_flip
        if self.flip_channels:
            mean, std = mean.flip(0), std.flip(0)
        self.register_buffer('seg_scale', std / seg_std, persistent=False)
        self.register_buffer(
            'seg_shift', (mean - seg_mean) / seg_std, persistent=False)

    def _apply(self, fn, recurse: bool = True):
        # Move/cast the frozen segmentor with the model (``.to()``,
        # ``.cuda()``, ``.half()``) although it is not a child.
        super()._apply(fn, recurse)
        if self.frozen_segmentor is not None:
            self.frozen_segmentor._apply(fn)
        return self

    def init_weights(self) -> None:
        """Initialise the networks, then load the frozen segmentor."""
        super().init_weights()
        if self.frozen_segmentor is not None:
            load_segmentor_checkpoint(self.frozen_segmentor,
                                      self.segmentor_checkpoint)

    # -- inference ----------------------------------------------------------
    @property
    def translator(self) -> BaseModule:
        """The generator chosen by ``direction`` (no DDP wrapper).

        For inference only; training code calls ``self.generators``.
        """
        generators = self.generators
        if is_model_wrapper(generators):
            generators = generators.module
        return getattr(generators, DIRECTIONS[self.direction])

    def translate(self, inputs: Tensor) -> Tensor:
        """Translate preprocessed images (N, 3, H, W) in [-1, 1]."""
        return self.translator(inputs)

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[SampleList] = None,
                mode: str = 'tensor') -> Tensor:
        """``mode='tensor'``: the translations of ``inputs``."""
        if mode != 'tensor':
            raise NotImplementedError(
                f'{type(self).__name__} supports mode="tensor" only: it is '
                'trained by `train_step` and applied to datasets by '
                'tools/translate.py; configs need no val/test loop.')
        return self.translate(inputs)

    # -- training -----------------------------------------------------------
    def segment(self, images: Tensor) -> Tensor:
        """Decode-head logits of the frozen segmentor on translator images.
        """
        if self.flip_channels:
            images = images.flip(1)
        inputs = images * self.seg_scale + self.seg_shift
        model = self.frozen_segmentor
        return model.decode_head(model.extract_feat(inputs))

    generator_children = ('generators', )

    @property
    def adversary_children(self) -> Tuple[str, ...]:
        return ('discriminators', )

    def train_step(self, data: Dict[str, dict],
                   optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        """One iteration on a ``dict(source=..., target=...)`` batch."""
        check_optim_wrapper(self, optim_wrapper)
        for domain in DOMAINS:
            if domain not in data:
                raise KeyError(
                    f'The training batch has no "{domain}" entry; wrap the '
                    'training datasets in `UDADataset`.')
        batches = {
            domain: self.data_preprocessor(data[domain], True)
            for domain in DOMAINS
        }
        return self.adversarial_train_step(batches, optim_wrapper)

    def generator_losses(self,
                         batches: dict) -> Tuple[Dict[str, Tensor], dict]:
        """The generators' losses against the frozen discriminators."""
        real = {d: batches[d]['inputs'] for d in DOMAINS}
        # fake[d]: images translated into domain d; rec[d]: real[d]
        # translated into the other domain and back
        fake = {d: self.generators(real[OTHER_DOMAIN[d]], d) for d in DOMAINS}
        rec = {d: self.generators(fake[OTHER_DOMAIN[d]], d) for d in DOMAINS}
        losses = {}
        for d in DOMAINS:
            losses[f'loss_gan.{d}'] = self.gan_loss(
                self.discriminators(fake[d], d), 1.0)
            losses[f'loss_cycle.{d}'] = self.cycle_weight * F.l1_loss(
                rec[d], real[d])
            if self.identity_weight > 0:
                losses[f'loss_identity.{d}'] = (
                    self.cycle_weight * self.identity_weight *
                    F.l1_loss(self.generators(real[d], d), real[d]))
        losses.update(
            self.consistency_losses(real, fake, rec,
                                    batches['source']['data_samples']))
        return losses, dict(real=real, fake=fake)

    def adversary_losses(self, name: str, outputs: dict) -> tuple:
        """Each discriminator on real images and pooled translations."""
        losses = {}
        for d in DOMAINS:
            pooled = self.pools[d].query(outputs['fake'][d])
            losses[f'loss_disc.{d}'] = 0.5 * (
                self.gan_loss(self.discriminators(outputs['real'][d], d), 1.0)
                + self.gan_loss(self.discriminators(pooled, d), 0.0))
        return losses, {}

    def consistency_losses(self, real: Dict[str, Tensor],
                           fake: Dict[str, Tensor], rec: Dict[str, Tensor],
                           source_samples: SampleList) -> Dict[str, Tensor]:
        """BDL's perceptual and CIRN's semantic terms (when configured)."""
        losses = {}
        if self.frozen_segmentor is None:
            return losses
        translated_source = self.segment(fake['target'])
        if self.perceptual_loss is not None:
            for d in DOMAINS:
                translated = (
                    translated_source
                    if d == 'source' else self.segment(fake['source']))
                with torch.no_grad():  # a target: no gradient reaches it
                    reference = self.segment(real[d])
                terms = self.perceptual_loss(reference, translated,
                                             self.segment(rec[d]))
                losses[f'loss_per.{d}'] = terms['translation']
                losses[f'loss_per_recon.{d}'] = terms['reconstruction']
        if self.semantic_loss is not None:
            if not all('gt_sem_seg' in s for s in source_samples):
                raise KeyError(
                    'semantic_loss needs the source labels: load them in '
                    'the source pipeline (LoadUDAAnnotations).')
            labels = torch.stack([s.gt_sem_seg.data
                                  for s in source_samples]).squeeze(1)
            losses['loss_sem.source'] = self.semantic_loss(
                translated_source, labels)
        return losses
