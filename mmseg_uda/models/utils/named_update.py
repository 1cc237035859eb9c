"""One optimizer step of a model with several optimizers."""
from typing import Dict

from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from torch import Tensor


def named_update(model: BaseModel, optim_wrapper: OptimWrapper,
                 losses: Dict[str, Tensor], name: str) -> Dict[str, Tensor]:
    """Backward the summed ``loss*`` terms of ``losses`` and step.

    Args:
        model (BaseModel): The model (its ``parse_losses`` sums the terms).
        optim_wrapper (OptimWrapper): The optimizer of one child.
        losses (dict): Losses and other values to log.
        name (str): The child's name: the sum is logged as ``loss.{name}``.

    Returns:
        dict: The log vars.
    """
    loss, log_vars = model.parse_losses(losses)
    optim_wrapper.update_params(loss)
    log_vars[f'loss.{name}'] = log_vars.pop('loss')
    return log_vars
