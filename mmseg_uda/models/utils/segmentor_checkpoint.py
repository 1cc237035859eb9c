"""Load a plain mmseg or a UDA checkpoint into a stock segmentor."""
import os.path as osp

import torch.nn as nn
from mmengine.runner.checkpoint import _load_checkpoint, load_state_dict

#: Prefix of the stock segmentor's weights inside a UDA model's state dict.
UDA_SEGMENTOR_PREFIX = 'segmentor.model.'


def load_segmentor_checkpoint(model: nn.Module, filename: str) -> None:
    """Load a plain mmseg or a UDA checkpoint into a stock segmentor.

    A UDA checkpoint holds the stock segmentor under
    ``UDA_SEGMENTOR_PREFIX``; only those weights are loaded (strictly).

    Args:
        model (nn.Module): The stock segmentor to load into.
        filename (str): Path of the checkpoint.
    """
    if not osp.isfile(filename):
        raise FileNotFoundError(
            f'Segmentor checkpoint not found: {filename}. Train the previous '
            'stage first (see the method README) or fix '
            '`model.segmentor_checkpoint`.')
    state_dict = _load_checkpoint(filename, map_location='cpu')
    state_dict = state_dict.get('state_dict', state_dict)
    if any(k.startswith(UDA_SEGMENTOR_PREFIX) for k in state_dict):
        state_dict = {
            k[len(UDA_SEGMENTOR_PREFIX):]: v
            for k, v in state_dict.items()
            if k.startswith(UDA_SEGMENTOR_PREFIX)
        }
    load_state_dict(model, state_dict, strict=True, logger='current')
