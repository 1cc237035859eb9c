"""Checkpoints of freshly built (untrained) models, for the tool tests."""
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS


def save_untrained_checkpoint(config: str, path: str, seed: int = 0) -> str:
    """Build ``config``'s model with random weights and save its state dict.

    The file is a runner-style checkpoint (``state_dict`` + ``meta``) that
    ``tools/test.py`` and the analysis tools load like a trained one.
    """
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    torch.manual_seed(seed)
    model = MODELS.build(cfg.model)
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)
    return path
