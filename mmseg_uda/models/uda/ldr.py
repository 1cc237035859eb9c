"""LDR: target-to-source translation and label-driven reconstruction.

Yang, An, Wang, Zhu, Yan, Huang, "Label-Driven Reconstruction for Domain
Adaptation in Semantic Segmentation", ECCV 2020. The translator F is
:class:`CycleGANTranslator` with ``direction='target_to_source'``, the
pre-training of M is :class:`LabelReconstructor`; the stages are stage
graphs for ``tools/run_pipeline.py`` (``configs/ldr/``).
"""
import os.path as osp
from typing import Dict, Optional, Tuple

import torch
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmengine.runner.checkpoint import _load_checkpoint, load_state_dict
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType
from torch import Tensor

from ..losses import LabelReconstructionLoss
from ..utils import inputs_to_images, soft_label_map
from .adaptsegnet import AdaptSegNet

#: The children LDR trains besides the segmentor and its discriminator.
RECONSTRUCTION_CHILDREN = ('reconstructor', 'recon_discriminator')
DOMAINS = ('source', 'target')


def _loss_scale(optim_wrapper: OptimWrapper) -> float:
    """The factor ``update_params`` multiplies the loss by before backward.

    The AMP loss scale (1 without a scaler) divided by the gradient
    accumulation count of the current step.
    """
    scaler = getattr(optim_wrapper, 'loss_scaler', None)
    scale = float(scaler.get_scale()) if scaler is not None else 1.0
    return scale * float(optim_wrapper.scale_loss(torch.ones(())))


@MODELS.register_module()
class LDR(AdaptSegNet):
    """BDL's segmentation step on translated target + label-driven rec.

    Children, each with its own optimizer, scheduler and DDP wrapper:
    ``segmentor`` (G), ``discriminator`` (the output-space D),
    ``reconstructor`` (M: label map -> image) and ``recon_discriminator``
    (D_1..3, :class:`MultiScalePatchDiscriminator`). The source batch holds
    the source images X_s with labels, the target batch the translated
    target images X_{t->s} = F(X_t), with pseudo labels Y_t^ssl in the full
    model (a batch without labels trains the round without them).

    One iteration (Eq. 6, ``min_{G, M} max_{D_k}``):

    1. G and M, with D and D_k frozen: ``L_G`` (Eq. 1-2: BDL's source CE,
       pseudo-label CE (``target_loss``) and ``lambda * L_adv``, the step
       of :class:`BDL`) ``+ alpha
       * (L_adv^s + L_adv^{t->s}) + beta * (L_rec^s + L_rec^{t->s})``, where
       per domain the label map Omega = softmax(upsampled logits / tau)
       (Eq. 3, float32) is reconstructed by M and judged by D_k on [Omega,
       M(Omega)] (Eq. 4: generator side), ``L_rec`` = VGG19 perceptual +
       D_k feature-matching distance to the real image (Eq. 5). The
       reconstruction target of the target domain is X_{t->s}.
       M's backward also yields dL/dOmega, which G's backward then uses, so
       that each network's backward runs once and each child is stepped by
       its own optimizer (and AMP loss scaler).
    2. D: as in BDL (AdaptSegNet), on the detached probability maps.
    3. D_k: ``0.5 * sum_k [GAN(D_k(Omega, X), 1) + GAN(D_k(Omega,
       M(Omega)), 0)]`` on detached Omega and M(Omega), for both domains.

    ``alpha = beta = 0`` skips M, D_k and the VGG entirely: BDL's step on
    the translated target, the paper's "T->S" ablation.

    The pix2pixHD terms are the child ``reconstruction_loss``
    (:class:`LabelReconstructionLoss`, built from ``recon_gan_loss``,
    ``feature_matching_loss`` and ``perceptual_loss``), shared with the
    pre-training of M.

    Logged: BDL's terms and ``loss.segmentor`` / ``loss.discriminator``,
    ``{domain}.loss_rec_gan`` (weighted as M minimises it),
    ``{domain}.loss_rec_fm``, ``{domain}.loss_rec_vgg`` (weighted by beta),
    ``loss.reconstructor``, ``loss_rec_disc.{domain}`` and
    ``loss.recon_discriminator``.

    Args:
        segmentor (dict): Any ``EncoderDecoder``-style segmentor config.
        discriminator (dict): A ``MultiLevelDiscriminator`` config (the
            decode head's output, as BDL).
        reconstructor (dict): M, e.g. ``ResNetGenerator(in_channels=C)``.
        recon_discriminator (dict): D_1..3 on C + 3 channels.
        alpha (float): Weight of the reconstruction adversarial terms
            (paper: 0.001 DeepLab-R101, 0.01 FCN-VGG16). Default: 0.001.
        beta (float): Weight of the reconstruction terms (paper: 10).
            Default: 10.0.
        tau (float): Temperature of the label map (paper: 0.001).
            Default: 0.001.
        reconstructor_gan_weight (float, optional): Weight of the
            adversarial term in M's own loss; None = alpha (Eq. 6 read
            literally), 1.0 = pix2pixHD. G always sees alpha. Default: None.
        segmentor_rec_scale (float): Factor on the gradient the
            reconstruction terms send to G through Omega; 1 = Eq. 6 (G and M
            minimise the same ``alpha * L_adv + beta * L_rec``). With tau =
            0.001 that gradient can be orders of magnitude larger than the
            segmentation losses' (configs/ldr/README.md). Default: 1.0.
        reconstructor_checkpoint (str, optional): A
            :class:`LabelReconstructor` checkpoint (the pre-training of M)
            whose M and D_k are loaded by :meth:`init_weights`.
        recon_gan_loss (dict): GAN loss of M and D_k. Default: LS-GAN
            (pix2pixHD).
        feature_matching_loss (dict): Eq. 5's discriminator term.
        perceptual_loss (dict, optional): Eq. 5's VGG19 term; None leaves
            it out.
        adv_weights (dict[str, float]): ``lambda`` of Eq. 1 per level
            (paper: 0.001 R101, 1e-4 VGG16). Default: 0.001.
        target_loss (dict): The pseudo-label CE. Default: weight 1,
            averaged over the kept pixels (PyTorch's
            ``CrossEntropyLoss(ignore_index)``, BDL's code), no loss on
            batches without labels.
        **kwargs: ``gan_loss``, ``source_label``, ``target_label`` (the
            output-space adversarial loss, see :class:`AdaptSegNet`;
            vanilla: Eq. 2's log loss); ``segmentor_checkpoint`` (G's start),
            ``data_preprocessor``, ``init_cfg`` of ``BaseUDASegmentor``.
    """

    def __init__(self,
                 segmentor: ConfigType,
                 discriminator: ConfigType,
                 reconstructor: ConfigType,
                 recon_discriminator: ConfigType,
                 alpha: float = 0.001,
                 beta: float = 10.0,
                 tau: float = 0.001,
                 reconstructor_gan_weight: Optional[float] = None,
                 segmentor_rec_scale: float = 1.0,
                 reconstructor_checkpoint: Optional[str] = None,
                 recon_gan_loss: ConfigType = dict(
                     type='GANLoss', gan_type='lsgan'),
                 feature_matching_loss: ConfigType = dict(
                     type='FeatureMatchingLoss'),
                 perceptual_loss: OptConfigType = dict(
                     type='VGGPerceptualLoss'),
                 adv_weights: Dict[str, float] = dict(decode_head=0.001),
                 target_loss: ConfigType = dict(
                     type='PseudoLabelLoss',
                     loss_weight=1.0,
                     average_over='kept',
                     allow_unlabelled=True),
                 **kwargs) -> None:
        super().__init__(
            segmentor=segmentor,
            discriminator=discriminator,
            adv_weights=adv_weights,
            target_loss=target_loss,
            **kwargs)
        if alpha < 0 or beta < 0:
            raise ValueError(f'LDR: alpha and beta must be >= 0, got alpha='
                             f'{alpha}, beta={beta}.')
        self.alpha = alpha
        self.beta = beta
        self.tau = tau
        self.with_reconstruction = bool(alpha or beta)
        self.reconstructor_gan_weight = (
            alpha
            if reconstructor_gan_weight is None else reconstructor_gan_weight)
        self.segmentor_rec_scale = segmentor_rec_scale
        self.reconstructor_checkpoint = reconstructor_checkpoint
        self.num_classes = self.model.decode_head.num_classes
        self.reconstructor = MODELS.build(reconstructor)
        self.recon_discriminator = MODELS.build(recon_discriminator)
        LabelReconstructionLoss.check_channels(
            type(self).__name__, self.reconstructor, self.recon_discriminator,
            self.num_classes)
        self.reconstruction_loss = LabelReconstructionLoss(
            recon_gan_loss,
            feature_matching_loss,
            # the T->S ablation never runs the VGG: no weights to load
            perceptual_loss if self.with_reconstruction else None)

    def init_weights(self) -> None:
        """Initialise, then load G's and the pre-trained M's checkpoints."""
        super().init_weights()
        if self.reconstructor_checkpoint is None:
            return
        if not osp.isfile(self.reconstructor_checkpoint):
            raise FileNotFoundError(
                'Reconstruction network checkpoint not found: '
                f'{self.reconstructor_checkpoint}. Pre-train M first '
                '(configs/ldr/recon-pretrain_*.py, see configs/ldr/README.md) '
                'or fix `model.reconstructor_checkpoint` (None: start M from '
                'scratch).')
        state_dict = _load_checkpoint(
            self.reconstructor_checkpoint, map_location='cpu')
        state_dict = state_dict.get('state_dict', state_dict)
        for child in RECONSTRUCTION_CHILDREN:
            prefix = child + '.'
            weights = {
                k[len(prefix):]: v
                for k, v in state_dict.items() if k.startswith(prefix)
            }
            if not weights:
                raise KeyError(
                    f'{self.reconstructor_checkpoint} holds no `{child}` '
                    'weights; model.reconstructor_checkpoint must be a '
                    'LabelReconstructor (M pre-training) checkpoint.')
            load_state_dict(
                getattr(self, child), weights, strict=True, logger='current')

    # -- pieces -------------------------------------------------------------
    def label_map(self, logits: Tensor, image_size: tuple) -> Tensor:
        """Omega (Eq. 3) of decode-head logits, at image size (float32)."""
        return soft_label_map(logits, image_size, self.tau,
                              self.heads['decode_head'].align_corners)

    def to_image(self, inputs: Tensor) -> Tensor:
        """Segmentor inputs -> RGB images in [-1, 1] (M's image space)."""
        images = inputs_to_images(
            inputs, self.data_preprocessor, 'rgb', dtype=inputs.dtype)
        return images / 127.5 - 1.

    def reconstruct(self, inputs: Tensor) -> Tensor:
        """M(Omega) of preprocessed images: the segmentor's prediction drawn
        as an image (RGB in [-1, 1]); for inference and visualisation.
        """
        segmentor = self.segmentor
        segmentor = getattr(segmentor, 'module', segmentor)
        logits = segmentor(inputs)['logits']['decode_head']
        reconstructor = self.reconstructor
        reconstructor = getattr(reconstructor, 'module', reconstructor)
        return reconstructor(self.label_map(logits, inputs.shape[2:]))

    # -- training -----------------------------------------------------------
    @property
    def generator_children(self) -> Tuple[str, ...]:
        if not self.with_reconstruction:  # the T->S ablation: BDL's step
            return ('segmentor', )
        return ('segmentor', ) + RECONSTRUCTION_CHILDREN

    @property
    def adversary_children(self) -> Tuple[str, ...]:
        if not self.with_reconstruction:
            return ('discriminator', )
        return ('discriminator', 'recon_discriminator')

    def extra_losses(self, outputs: dict, batches: dict) -> Dict[str, Tensor]:
        """Reconstruct both domains' label maps Omega and judge them.

        G's graph ends at each Omega: M runs on a detached leaf, so that
        M's backward in :meth:`update_generators` gives dL/dOmega, which
        G's backward then uses. Keeps Omega, the leaf, the judged pair and
        M's unweighted terms in ``outputs[domain]``; returns no term of G's
        own loss.
        """
        if not self.with_reconstruction:
            return {}
        for domain in DOMAINS:
            out, inputs = outputs[domain], batches[domain]['inputs']
            out['label_map'] = self.label_map(out['logits']['decode_head'],
                                              inputs.shape[2:])
            out['leaf'] = out['label_map'].detach().requires_grad_()
            out['rec'] = self.reconstruction_loss.judge(
                self.reconstructor, self.recon_discriminator, out['leaf'],
                self.to_image(inputs))
            out['rec_terms'] = self.reconstruction_loss.generator_terms(
                out['rec'])
        return {}

    def update_generators(self, optim_wrapper: OptimWrapperDict,
                          losses: Dict[str, Tensor],
                          outputs: dict) -> Dict[str, Tensor]:
        """Step M, then G on its loss plus the reconstruction link."""
        if not self.with_reconstruction:
            return super().update_generators(optim_wrapper, losses, outputs)
        log_vars, grads = self.update_reconstructor(
            optim_wrapper['reconstructor'],
            {d: outputs[d]['rec_terms']
             for d in DOMAINS}, {d: outputs[d]['leaf']
                                 for d in DOMAINS})
        seg_loss, seg_log_vars = self.parse_losses(losses)
        link = self.segmentor_rec_scale * sum(
            (outputs[d]['label_map'] * grads[d]).sum() for d in DOMAINS)
        optim_wrapper['segmentor'].update_params(seg_loss + link)
        seg_log_vars['loss.segmentor'] = seg_log_vars.pop('loss')
        log_vars.update(seg_log_vars)
        return log_vars

    def adversary_losses(self, name: str, outputs: dict) -> tuple:
        if name != 'recon_discriminator':
            return super().adversary_losses(name, outputs)
        # D_1..3 on the real pairs of step 1 and the detached reconstructions
        return {
            f'loss_rec_disc.{domain}':
            self.reconstruction_loss.discriminator_loss(
                self.recon_discriminator, outputs[domain]['rec'])
            for domain in DOMAINS
        }, {}

    def update_reconstructor(self, rec_optim: OptimWrapper,
                             terms: Dict[str, Dict[str, Tensor]],
                             leaves: Dict[str, Tensor]) -> tuple:
        """Step M on its loss; return the log vars and dL/dOmega for G.

        G's share of the reconstruction loss is ``alpha * GAN + beta *
        (FM + VGG)``; M's uses ``reconstructor_gan_weight`` for the GAN
        term. When both weights agree (the default), M's backward gives
        dL/dOmega at the leaves; otherwise G's gradient is computed by a
        separate ``autograd.grad`` first (no parameter receives it, so DDP
        is not involved).
        """
        m_losses, g_loss = {}, 0.
        for domain, domain_terms in terms.items():
            for name, value in domain_terms.items():
                weight = self.beta
                if name == 'loss_gan':
                    weight = self.reconstructor_gan_weight
                    g_loss = g_loss + self.alpha * value
                else:
                    g_loss = g_loss + self.beta * value
                m_losses[f'{domain}.{name.replace("loss_", "loss_rec_")}'] = (
                    weight * value)
        order = list(leaves)
        scale = _loss_scale(rec_optim)
        grads = None
        if self.reconstructor_gan_weight != self.alpha:
            grads = torch.autograd.grad(
                scale * g_loss, [leaves[d] for d in order], retain_graph=True)
        log_vars = self.update(rec_optim, m_losses, 'reconstructor')
        if grads is None:  # M's backward reached the leaves
            grads = [leaves[d].grad for d in order]
        return log_vars, {d: g / scale for d, g in zip(order, grads)}
