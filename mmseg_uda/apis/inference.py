"""Helpers of the tools that run a trained model outside the runner."""
from typing import Optional

import torch
from mmengine.config import Config
from mmseg.models.segmentors import BaseSegmentor
from mmseg.registry import MODELS

from ..models.uda import BaseUDASegmentor
from ..models.utils import load_segmentor_checkpoint


def init_segmentor(cfg: Config,
                   checkpoint: str,
                   device: Optional[str] = None) -> BaseSegmentor:
    """The stock segmentor of ``cfg.model`` with ``checkpoint``, in eval mode.

    Plain mmseg and UDA checkpoints both load into plain and UDA configs:
    of a UDA model only the stock segmentor predicts.

    Args:
        cfg (Config): A config whose ``model`` is a stock mmseg segmentor or
            a UDA model.
        checkpoint (str): A plain mmseg or a UDA checkpoint.
        device (str, optional): Where to put the model. Defaults to the
            current GPU if there is one, else the CPU.

    Returns:
        BaseSegmentor: The segmentor.
    """
    model = MODELS.build(cfg.model)
    if isinstance(model, BaseUDASegmentor):
        model = model.model
    load_segmentor_checkpoint(model, checkpoint)
    if device is None and torch.cuda.is_available():
        device = f'cuda:{torch.cuda.current_device()}'
    if device is not None:
        model = model.to(device)
    return model.eval()


def get_dataset_cfg(cfg: Config, key: str) -> dict:
    """The dataset config at ``key`` (a variable or a dotted path)."""
    node = cfg
    for part in key.split('.'):
        try:
            node = node[part]
        except (KeyError, TypeError):
            raise KeyError(
                f'The config has no `{key}`. Pass --dataset with a dataset '
                'variable of the config (e.g. source_train_dataset, '
                'target_train_dataset, target_val_dataset) or a dotted path '
                '(e.g. train_dataloader.dataset.source).') from None
    if not isinstance(node, dict) or 'type' not in node:
        raise TypeError(f'`{key}` in the config is not a dataset config.')
    return node
