"""One forward that exposes what UDA methods need from a stock segmentor."""
from typing import Dict

import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.models.segmentors import BaseSegmentor
from mmseg.utils import SampleList
from torch import Tensor

from ..utils.amp import float32_loss


class SegmentorForward(BaseModule):
    """Wrap a stock ``EncoderDecoder`` so one call returns features and logits.

    UDA methods need the backbone/neck features and the logits of every
    head. Calling ``extract_feat`` and the heads one by one on a
    DDP-wrapped segmentor would have to go through ``.module`` and skip the
    gradient all-reduce; routing them through this module's ``forward``
    keeps DDP's synchronisation intact.

    Args:
        model (BaseSegmentor): A built mmseg segmentor with
            ``extract_feat``, ``decode_head`` and optionally
            ``auxiliary_head`` (``EncoderDecoder`` and its subclasses).
    """

    def __init__(self, model: BaseSegmentor) -> None:
        super().__init__()
        for attr in ('extract_feat', 'decode_head'):
            if not hasattr(model, attr):
                raise TypeError(
                    f'{type(model).__name__} has no `{attr}`; UDA methods '
                    'support EncoderDecoder-style segmentors.')
        if isinstance(model.decode_head, nn.ModuleList):
            raise NotImplementedError(
                'Cascade decode heads are not supported by the UDA wrappers '
                'yet; use an EncoderDecoder segmentor.')
        self.model = model

    def heads(self) -> Dict[str, nn.Module]:
        """Name -> head: ``decode_head`` and ``auxiliary_head[.i]``."""
        heads = {'decode_head': self.model.decode_head}
        aux = getattr(self.model, 'auxiliary_head', None)
        if isinstance(aux, nn.ModuleList):
            heads.update({
                f'auxiliary_head.{i}': head
                for i, head in enumerate(aux)
            })
        elif aux is not None:
            heads['auxiliary_head'] = aux
        return heads

    def forward(self, inputs: Tensor) -> Dict[str, object]:
        """Return ``dict(features=[...], logits={head_name: logits})``."""
        features = self.model.extract_feat(inputs)
        logits = {name: head(features) for name, head in self.heads().items()}
        return dict(features=features, logits=logits)

    @float32_loss
    def loss_by_logits(self, logits: Dict[str, Tensor],
                       data_samples: SampleList) -> Dict[str, Tensor]:
        """Supervised losses of every head, named as ``EncoderDecoder`` does.

        Keys are ``decode.*`` for the decode head and ``aux.*`` (or
        ``aux_{i}.*``) for auxiliary heads; each head applies its own
        ``loss_decode`` weights (e.g. 0.1 for AdaptSegNet's conv4 head).
        The logits are upsampled and compared in float32, also under
        autocast (as mmseg 0.x's ``force_fp32`` did for its heads).
        """
        losses = {}
        for name, head in self.heads().items():
            head_losses = head.loss_by_feat(logits[name], data_samples)
            prefix = 'decode' if name == 'decode_head' else name.replace(
                'auxiliary_head', 'aux').replace('.', '_')
            losses.update({f'{prefix}.{k}': v for k, v in head_losses.items()})
        return losses
