"""The heads of a stock segmentor and their supervised losses by name."""
from typing import Dict

import torch.nn as nn
from mmseg.models.segmentors import BaseSegmentor
from mmseg.utils import SampleList
from torch import Tensor

from .amp import float32_loss


def segmentor_heads(model: BaseSegmentor) -> Dict[str, nn.Module]:
    """Name -> head: ``decode_head`` and ``auxiliary_head[.i]``."""
    heads = {'decode_head': model.decode_head}
    aux = getattr(model, 'auxiliary_head', None)
    if isinstance(aux, nn.ModuleList):
        heads.update({
            f'auxiliary_head.{i}': head
            for i, head in enumerate(aux)
        })
    elif aux is not None:
        heads['auxiliary_head'] = aux
    return heads


def loss_prefix(head_name: str) -> str:
    """``decode`` / ``aux`` / ``aux_{i}``: the loss-name prefix of a head."""
    if head_name == 'decode_head':
        return 'decode'
    return head_name.replace('auxiliary_head', 'aux').replace('.', '_')


@float32_loss
def head_losses(heads: Dict[str, nn.Module], logits: Dict[str, Tensor],
                data_samples: SampleList) -> Dict[str, Tensor]:
    """Supervised losses of every head, named as ``EncoderDecoder`` does.

    Keys are ``decode.*`` for the decode head and ``aux.*`` (or
    ``aux_{i}.*``) for auxiliary heads; each head applies its own
    ``loss_decode`` weights (e.g. 0.1 for AdaptSegNet's conv4 head). The
    logits are upsampled and compared in float32, also under autocast (as
    mmseg 0.x's ``force_fp32`` did for its heads).
    """
    losses = {}
    for name, head in heads.items():
        head_out = head.loss_by_feat(logits[name], data_samples)
        prefix = loss_prefix(name)
        losses.update({f'{prefix}.{k}': v for k, v in head_out.items()})
    return losses
