"""Shared base of the UDA wrappers around a stock mmseg segmentor."""
from typing import Dict, Optional, Tuple

from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmseg.models.segmentors import BaseSegmentor
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor

# The helpers live in ``models/utils`` (building blocks use them too); they
# are re-exported here for code that imports them from this module.
from ..utils import (UDA_SEGMENTOR_PREFIX, load_segmentor_checkpoint,
                     set_requires_grad)
from .segmentor_forward import SegmentorForward

__all__ = [
    'BaseUDASegmentor', 'UDA_SEGMENTOR_PREFIX', 'load_segmentor_checkpoint',
    'set_requires_grad'
]


class BaseUDASegmentor(BaseSegmentor):
    """Wrap any stock mmseg segmentor and add domain-adaptation modules.

    Children (each gets its own optimizer wrapper, keyed by name, through
    ``MultiOptimWrapperConstructor`` and its own DDP wrapper through
    ``MMSeparateDistributedDataParallel``):

    - ``segmentor``: the stock segmentor behind :class:`SegmentorForward`,
    - ``discriminator``: optional, e.g. :class:`MultiLevelDiscriminator`.

    ``train_step`` runs the data preprocessor on both domains and hands the
    batches to :meth:`train_uda_step`, which subclasses implement.
    Training code always calls the (possibly DDP-wrapped) children so that
    gradients are synchronised; ``predict``/``_forward`` delegate to the
    unwrapped stock segmentor, so ``tools/test.py``, ``IoUMetric`` and TTA
    work unchanged.

    Args:
        segmentor (dict): Config of any ``EncoderDecoder``-style mmseg
            segmentor, including its ``data_preprocessor``.
        discriminator (dict, optional): Config of the discriminator.
        segmentor_checkpoint (str, optional): Checkpoint loaded into the
            stock segmentor by :meth:`init_weights`, e.g. the source-only
            warm-up of a previous stage. Plain mmseg checkpoints and
            checkpoints of UDA models are both accepted.
        data_preprocessor (dict, optional): Preprocessor of both domains.
            Defaults to the segmentor's own, so that both domains are
            normalised and padded exactly as the stock model expects (the
            runner also passes a config's top-level ``data_preprocessor``
            here).
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 segmentor: ConfigType,
                 discriminator: OptConfigType = None,
                 segmentor_checkpoint: Optional[str] = None,
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
        self.segmentor_checkpoint = segmentor_checkpoint

    def init_weights(self) -> None:
        """Initialise children, then load ``segmentor_checkpoint``."""
        super().init_weights()
        if self.segmentor_checkpoint is not None:
            load_segmentor_checkpoint(self.model, self.segmentor_checkpoint)

    @property
    def segmentor_forward(self) -> SegmentorForward:
        """The :class:`SegmentorForward` without its DDP wrapper.

        Use it only for calls that involve no trainable parameters (loss
        functions, inference); training forwards go through
        ``self.segmentor``.
        """
        module = self.segmentor
        return module.module if is_model_wrapper(module) else module

    @property
    def model(self) -> BaseSegmentor:
        """The wrapped stock segmentor."""
        return self.segmentor_forward.model

    @property
    def out_channels(self) -> int:
        """The stock segmentor's number of output channels (for TTA)."""
        return self.model.out_channels

    # -- training -----------------------------------------------------------
    def train_step(self, data: Dict[str, dict],
                   optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        """One UDA iteration on a ``dict(source=..., target=...)`` batch."""
        if not isinstance(optim_wrapper, OptimWrapperDict):
            raise TypeError(
                f'{type(self).__name__} trains several modules with their '
                'own optimizers; set optim_wrapper=dict(constructor='
                '"MultiOptimWrapperConstructor", segmentor=dict(...), '
                'discriminator=dict(...)) in the config.')
        for domain in ('source', 'target'):
            if domain not in data:
                raise KeyError(
                    f'The training batch has no "{domain}" entry; wrap the '
                    'training datasets in `UDADataset`.')
        source = self.data_preprocessor(data['source'], True)
        target = self.data_preprocessor(data['target'], True)
        return self.train_uda_step(source, target, optim_wrapper)

    def train_uda_step(self, source: dict, target: dict,
                       optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        """Update all children on preprocessed source and target batches."""
        raise NotImplementedError

    def update(self, optim_wrapper: OptimWrapper,
               losses: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """Backward the summed ``loss*`` terms, step, return the log vars."""
        loss, log_vars = self.parse_losses(losses)
        optim_wrapper.update_params(loss)
        return log_vars

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
