"""FADA's fine-grained adversarial loss against domain encodings."""
import math
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

from ..utils.amp import float32_loss

#: Which half of the 2K discriminator channels a domain's encoding fills.
DOMAINS = ('source', 'target')


@MODELS.register_module()
class DomainEncodingLoss(nn.Module):
    """Cross-entropy of fine-grained discriminator logits and domain encodings.

    Wang et al., "Classes Matter: A Fine-grained Adversarial Approach to
    Cross-domain Semantic Segmentation", ECCV 2020, Sec. 3.2-3.3.

    The class knowledge ``a`` of every pixel comes from the segmentor's
    (detached) class logits ``z``:

    - ``'soft'`` (Eq. 8): ``a = softmax(z / T)``; with confidence clipping,
      values above ``clip_threshold`` are set to it and the vector is not
      renormalised (the paper's "truncated" values; the official code does
      the same).
    - ``'hard'`` (Eq. 7): ``a`` = one-hot of ``argmax z``, kept only where
      the softmax probability of that class (``T`` not applied) is at least
      ``confidence_threshold``; other pixels are ignored.

    The domain encoding over the 2K discriminator channels is ``[a; 0]`` for
    ``domain='source'`` and ``[0; a]`` for ``domain='target'``, and the loss
    is ``-sum_k enc_k log P_k``, ``P = softmax`` over the 2K channels,
    averaged over the kept pixels. The discriminator loss (Eq. 5) is
    ``loss(D(f_s), z_s, 'source') + loss(D(f_t), z_t, 'target')``; the
    adversarial loss (Eq. 6) encodes target features as source:
    ``loss(D(f_t), z_t, 'source')``.

    Args:
        label_type (str): ``'soft'`` or ``'hard'``. Defaults to 'soft' (the
            paper's better choice, Table 5).
        temperature (float): ``T`` of the soft labels. Defaults to 1.8.
        clip_threshold (float, optional): Confidence clipping of the soft
            labels; None (or 1.0) disables it. Defaults to 0.9 (Table 6).
        confidence_threshold (float): Hard labels keep pixels whose top
            probability is at least this; 0 keeps all. Defaults to 0.9.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def __init__(self,
                 label_type: str = 'soft',
                 temperature: float = 1.8,
                 clip_threshold: float = 0.9,
                 confidence_threshold: float = 0.9,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if label_type not in ('soft', 'hard'):
            raise ValueError('label_type must be "soft" or "hard", got '
                             f'{label_type!r}.')
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}.')
        self.label_type = label_type
        self.temperature = temperature
        self.clip_threshold = clip_threshold
        self.confidence_threshold = confidence_threshold
        self.loss_weight = loss_weight

    def class_knowledge(self, class_logits: Tensor) -> Tuple[Tensor, Tensor]:
        """Per-pixel class knowledge ``a`` and the mask of kept pixels.

        Args:
            class_logits (Tensor): ``(N, K, H, W)`` segmentor logits; they
                are detached (the encodings are targets, not paths for
                gradients).

        Returns:
            tuple[Tensor, Tensor]: ``a`` of shape ``(N, K, H, W)`` and a
            boolean ``(N, H, W)`` mask of the pixels that count.
        """
        class_logits = class_logits.detach().float()
        if self.label_type == 'soft':
            knowledge = F.softmax(class_logits / self.temperature, dim=1)
            if self.clip_threshold is not None:
                knowledge = knowledge.clamp(max=self.clip_threshold)
            keep = torch.ones_like(knowledge[:, 0], dtype=torch.bool)
            return knowledge, keep
        probs = F.softmax(class_logits, dim=1)
        confidence, labels = probs.max(dim=1)
        knowledge = F.one_hot(labels, probs.shape[1]).permute(0, 3, 1, 2)
        keep = confidence >= self.confidence_threshold
        return knowledge.to(probs) * keep.unsqueeze(1), keep

    def domain_encoding(self, class_logits: Tensor,
                        domain: str) -> Tuple[Tensor, Tensor]:
        """``[a; 0]`` (source) or ``[0; a]`` (target) and the kept pixels.

        Args:
            class_logits (Tensor): ``(N, K, H, W)`` segmentor logits.
            domain (str): ``'source'`` or ``'target'``: which half of the
                2K channels holds ``a``.

        Returns:
            tuple[Tensor, Tensor]: The ``(N, 2K, H, W)`` encoding and the
            ``(N, H, W)`` mask of kept pixels.
        """
        if domain not in DOMAINS:
            raise ValueError(
                f'domain must be one of {DOMAINS}, got {domain!r}.')
        knowledge, keep = self.class_knowledge(class_logits)
        zeros = torch.zeros_like(knowledge)
        halves = (knowledge, zeros) if domain == 'source' else (zeros,
                                                                knowledge)
        return torch.cat(halves, dim=1), keep

    @torch.no_grad()
    def domain_accuracy(self, disc_logits: Tensor, domain: str) -> Tensor:
        """Share of pixels the fine-grained discriminator puts in ``domain``.

        A pixel's predicted domain is the half of the 2K channels with the
        larger softmax mass (source: the first K). All pixels count, also
        those hard labels ignore. A diagnostic: 0.5 on both domains means
        the discriminator cannot tell them apart.

        Args:
            disc_logits (Tensor): ``(N, 2K, H, W)`` discriminator logits.
            domain (str): The domain the pixels come from.

        Returns:
            Tensor: Scalar float32 accuracy in [0, 1] (no gradient).
        """
        if domain not in DOMAINS:
            raise ValueError(
                f'domain must be one of {DOMAINS}, got {domain!r}.')
        probs = F.softmax(disc_logits.detach().float(), dim=1)
        num_classes = probs.shape[1] // 2
        source = probs[:, :num_classes].sum(dim=1)
        target = probs[:, num_classes:].sum(dim=1)
        right = source > target if domain == 'source' else target > source
        return right.float().mean()

    @torch.no_grad()
    def knowledge_statistics(self, class_logits: Tensor) -> dict:
        """How much the class knowledge of a batch says.

        Args:
            class_logits (Tensor): ``(N, K, H, W)`` segmentor logits.

        Returns:
            dict[str, Tensor]: ``kept``: share of pixels the encodings keep
            (1 for soft labels); ``entropy``: mean entropy of the kept
            pixels' class knowledge (renormalised to sum to 1), divided by
            ``log K`` (0: one class, 1: uniform; hard labels: 0).
        """
        knowledge, keep = self.class_knowledge(class_logits)
        dist = knowledge / knowledge.sum(dim=1, keepdim=True).clamp(min=1e-12)
        entropy = -(dist * dist.clamp(min=1e-12).log()).sum(dim=1)
        entropy = entropy / math.log(knowledge.shape[1])
        kept = keep.float().mean()
        if not keep.any():
            return dict(kept=kept, entropy=kept.new_tensor(0.))
        return dict(kept=kept, entropy=entropy[keep].mean())

    @float32_loss
    def forward(self, disc_logits: Tensor, class_logits: Tensor,
                domain: str) -> Tensor:
        """Mean soft cross-entropy of ``disc_logits`` against the encoding.

        Computed in float32 (also under autocast): the tempered softmax, the
        clipping and the 2K-way log-softmax lose too much in half precision.

        Args:
            disc_logits (Tensor): ``(N, 2K, H, W)`` fine-grained
                discriminator logits (first K channels: source classes).
            class_logits (Tensor): ``(N, K, H, W)`` segmentor logits at the
                same resolution.
            domain (str): Domain whose encoding supervises the logits.

        Returns:
            Tensor: The weighted scalar loss (0 when no pixel is kept).
        """
        if disc_logits.dim() != 4 or class_logits.dim() != 4:
            raise ValueError('disc_logits and class_logits must be NCHW, got '
                             f'{tuple(disc_logits.shape)} and '
                             f'{tuple(class_logits.shape)}.')
        if disc_logits.shape[1] != 2 * class_logits.shape[1]:
            raise ValueError(
                f'The discriminator has {disc_logits.shape[1]} output '
                f'channels but the segmentor predicts '
                f'{class_logits.shape[1]} classes: it needs 2 x classes '
                '(set num_classes of FineGrainedDiscriminator).')
        if disc_logits.shape[2:] != class_logits.shape[2:]:
            raise ValueError(
                'disc_logits and class_logits differ in size: '
                f'{tuple(disc_logits.shape[2:])} vs '
                f'{tuple(class_logits.shape[2:])}; resize them to one '
                'resolution first.')
        encoding, keep = self.domain_encoding(class_logits, domain)
        log_probs = F.log_softmax(disc_logits, dim=1)
        pixel_loss = -(encoding.to(log_probs) * log_probs).sum(dim=1)
        num_kept = keep.sum()
        if num_kept == 0:
            return disc_logits.sum() * 0.
        loss = (pixel_loss * keep).sum() / num_kept
        return self.loss_weight * loss
