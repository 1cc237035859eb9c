"""Shared base of the UDA wrappers around a stock mmseg segmentor."""
from typing import Dict, Optional, Tuple

import torch.nn as nn
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict
from mmseg.models.segmentors import BaseSegmentor
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor

from ..utils import (AdversarialTrainStep, check_optim_wrapper, head_losses,
                     load_segmentor_checkpoint, segmentor_heads)
from .segmentor_forward import SegmentorForward


class BaseUDASegmentor(AdversarialTrainStep, BaseSegmentor):
    """Wrap any stock mmseg segmentor and add domain-adaptation modules.

    Children (each gets its own optimizer wrapper, keyed by name, through
    ``MultiOptimWrapperConstructor`` and its own DDP wrapper through
    ``MMSeparateDistributedDataParallel``):

    - ``segmentor``: the stock segmentor behind :class:`SegmentorForward`,
    - ``discriminator``: optional, e.g. :class:`MultiLevelDiscriminator`.

    ``train_step`` runs the data preprocessor on both domains and then the
    one training step of :class:`AdversarialTrainStep`: the discriminator
    frozen, the segmentor's losses (:meth:`generator_losses`: source
    supervision, target pseudo labels, adversarial and extra terms, each a
    hook), its update, then the discriminator's step
    (:meth:`discriminator_losses`). A method fills the hooks it needs.

    Two handles reach the stock segmentor: training forwards call the child
    ``self.segmentor`` (the DDP wrapper under DDP, so that gradients are
    synchronised); :attr:`model` is the stock segmentor itself, for what
    involves no training forward (its heads, inference). ``predict`` and
    ``_forward`` delegate to it, so ``tools/test.py``, ``IoUMetric`` and
    TTA work unchanged.

    Args:
        segmentor (dict): Config of any ``EncoderDecoder``-style mmseg
            segmentor, including its ``data_preprocessor``.
        discriminator (dict, optional): Config of the discriminator.
        target_loss (dict, optional): Loss of the target batch against its
            pseudo labels, e.g. ``dict(type='PseudoLabelLoss',
            average_over='kept')``; None trains no such term.
        segmentor_checkpoint (str, optional): Checkpoint loaded into the
            stock segmentor by :meth:`init_weights`, e.g. the source-only
            warm-up of a previous stage. Plain mmseg checkpoints and
            checkpoints of UDA models are both accepted; a file that does not
            hold every weight of the segmentor is an error.
        allow_partial_checkpoint (bool): Load what of
            ``segmentor_checkpoint`` matches and log the counts, instead of
            stopping on a file that misses weights. Default: False.
        data_preprocessor (dict, optional): Preprocessor of both domains.
            Defaults to the segmentor's own, so that both domains are
            normalised and padded exactly as the stock model expects (the
            runner also passes a config's top-level ``data_preprocessor``
            here).
        init_cfg (dict, optional): Initialisation config.
    """

    generator_children = ('segmentor', )

    def __init__(self,
                 segmentor: ConfigType,
                 discriminator: OptConfigType = None,
                 target_loss: OptConfigType = None,
                 segmentor_checkpoint: Optional[str] = None,
                 allow_partial_checkpoint: bool = False,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        model = MODELS.build(segmentor)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if data_preprocessor is None:
            self.data_preprocessor = model.data_preprocessor
        self.segmentor = SegmentorForward(model)
        self.discriminator = (
            MODELS.build(discriminator) if discriminator else None)
        self.target_loss = MODELS.build(target_loss) if target_loss else None
        self.segmentor_checkpoint = segmentor_checkpoint
        self.allow_partial_checkpoint = allow_partial_checkpoint

    def init_weights(self) -> None:
        """Initialise children, then load ``segmentor_checkpoint``."""
        super().init_weights()
        if self.segmentor_checkpoint is not None:
            load_segmentor_checkpoint(
                self.model,
                self.segmentor_checkpoint,
                allow_partial=self.allow_partial_checkpoint)

    @property
    def model(self) -> BaseSegmentor:
        """The stock segmentor, without DDP wrapper (no training forwards).
        """
        module = self.segmentor
        module = module.module if is_model_wrapper(module) else module
        return module.model

    @property
    def heads(self) -> Dict[str, nn.Module]:
        """The stock segmentor's heads by name (see ``segmentor_heads``)."""
        return segmentor_heads(self.model)

    @property
    def out_channels(self) -> int:
        """The stock segmentor's number of output channels (for TTA)."""
        return self.model.out_channels

    # -- training -----------------------------------------------------------
    @property
    def adversary_children(self) -> Tuple[str, ...]:
        return () if self.discriminator is None else ('discriminator', )

    @property
    def trains_on_source(self) -> bool:
        """Whether the step runs the source batch through the segmentor."""
        return True

    @property
    def trains_on_target(self) -> bool:
        """Whether the step runs the target batch through the segmentor
        (mean-teacher methods give it to their teacher only)."""
        return True

    def train_step(self, data: Dict[str, dict],
                   optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        """One UDA iteration on a ``dict(source=..., target=...)`` batch."""
        check_optim_wrapper(self, optim_wrapper)
        for domain in ('source', 'target'):
            if domain not in data:
                raise KeyError(
                    f'The training batch has no "{domain}" entry; wrap the '
                    'training datasets in `UDADataset`.')
        batches = {
            domain: self.data_preprocessor(data[domain], True)
            for domain in ('source', 'target')
        }
        return self.adversarial_train_step(batches, optim_wrapper)

    def generator_losses(self,
                         batches: dict) -> Tuple[Dict[str, Tensor], dict]:
        """The segmentor's forward passes and losses (step 1).

        One forward per domain (see :attr:`trains_on_source` and
        :attr:`trains_on_target`); then, in this order, the hooks
        :meth:`source_losses`, the target pseudo-label loss (when
        ``target_loss`` is set), :meth:`adversarial_losses` and
        :meth:`extra_losses`. Call it inside the segmentor's
        ``optim_context``.

        Returns:
            tuple: The losses and ``dict(source=..., target=...)`` with the
            segmentor's outputs per domain (:class:`SegmentorForward`),
            which the hooks may extend for the discriminator step.
        """
        outputs, losses = {}, {}
        if self.trains_on_source:
            source = batches['source']
            outputs['source'] = self.segmentor(source['inputs'])
            losses.update(
                self.source_losses(outputs['source'], source['data_samples']))
        target = batches['target']
        if self.trains_on_target:
            outputs['target'] = self.segmentor(target['inputs'])
        if self.target_loss is not None:
            target_losses = self.target_loss(self.heads,
                                             outputs['target']['logits'],
                                             target['data_samples'])
            losses.update({f'target.{k}': v for k, v in target_losses.items()})
        losses.update(self.adversarial_losses(outputs, batches))
        losses.update(self.extra_losses(outputs, batches))
        return losses, outputs

    def source_losses(self, outputs: dict,
                      data_samples: SampleList) -> Dict[str, Tensor]:
        """Supervised source losses, ``source.{head}.{name}``."""
        losses = head_losses(self.heads, outputs['logits'], data_samples)
        return {f'source.{k}': v for k, v in losses.items()}

    def adversarial_losses(self, outputs: dict,
                           batches: dict) -> Dict[str, Tensor]:
        """The segmentor's adversarial terms against the frozen
        discriminator, ``loss_adv.{level}``; none by default."""
        return {}

    def extra_losses(self, outputs: dict, batches: dict) -> Dict[str, Tensor]:
        """Further terms of the segmentor's loss; none by default."""
        return {}

    def adversary_losses(self, name: str, outputs: dict) -> tuple:
        if name != 'discriminator':
            return super().adversary_losses(name, outputs)
        return self.discriminator_losses(outputs)

    def discriminator_losses(
            self,
            outputs: dict) -> Tuple[Dict[str, Tensor], Dict[str, Tensor]]:
        """The discriminator's losses on the outputs of step 1 (detached),
        ``loss_disc.{level}.{domain}``, and values to log beside them
        (``acc_disc.{level}.{domain}``)."""
        raise NotImplementedError(
            f'{type(self).__name__} has a discriminator but does not '
            'implement discriminator_losses().')

    # -- inference: delegate to the stock segmentor -----------------------
    def extract_feat(self, inputs: Tensor) -> Tuple[Tensor]:
        return self.model.extract_feat(inputs)

    def encode_decode(self, inputs: Tensor,
                      batch_data_samples: SampleList) -> Tensor:
        return self.model.encode_decode(inputs, batch_data_samples)

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """Supervised loss of the stock segmentor (one labelled domain)."""
        return self.model.loss(inputs, data_samples)

    def predict(self,
                inputs: Tensor,
                data_samples: Optional[SampleList] = None) -> SampleList:
        return self.model.predict(inputs, data_samples)

    def _forward(self,
                 inputs: Tensor,
                 data_samples: Optional[SampleList] = None) -> Tensor:
        return self.model._forward(inputs, data_samples)
