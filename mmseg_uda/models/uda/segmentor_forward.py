"""One forward that exposes what UDA methods need from a stock segmentor."""
from typing import Dict

import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.models.segmentors import BaseSegmentor
from torch import Tensor

from ..utils.segmentor_heads import segmentor_heads


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

    def forward(self, inputs: Tensor) -> Dict[str, object]:
        """Return features, the logits of every head and of their branches.

        ``dict(features=[...], logits={head_name: logits},
        branch_logits={head_name: (logits, ...)})``: heads made of several
        classifiers whose outputs are summed (CIRN's :class:`ACMHead`)
        expose them through ``forward_branches``; ``logits`` holds their
        sum, which is what the head's ``forward`` returns, and
        ``branch_logits`` the parts, computed in the same pass.
        """
        features = self.model.extract_feat(inputs)
        logits, branch_logits = {}, {}
        for name, head in segmentor_heads(self.model).items():
            if hasattr(head, 'forward_branches'):
                branch_logits[name] = head.forward_branches(features)
                logits[name] = sum(branch_logits[name])
            else:
                logits[name] = head(features)
        return dict(
            features=features, logits=logits, branch_logits=branch_logits)
