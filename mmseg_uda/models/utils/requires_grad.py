"""Freeze or unfreeze a module's parameters."""
from typing import Optional

import torch.nn as nn


def set_requires_grad(module: Optional[nn.Module], flag: bool) -> None:
    """Switch gradients of all parameters of ``module`` on or off.

    Args:
        module (nn.Module, optional): The module; None does nothing.
        flag (bool): Whether the parameters require gradients.
    """
    if module is None:
        return
    for param in module.parameters():
        param.requires_grad_(flag)
