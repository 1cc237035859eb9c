"""Batch normalisation with fixed statistics and affine parameters."""
import torch
import torch.nn as nn
from mmengine.registry import MODELS
from torch import Tensor


@MODELS.register_module('FrozenBN')
class FrozenBatchNorm2d(nn.Module):
    """``x * weight / sqrt(running_var + eps) + bias - running_mean * ...``
    with all four tensors as fixed buffers.

    The default ``eps=0`` reproduces the ``FrozenBatchNorm2d`` of FADA's
    ``core/models/layers.py``, which its source-only and adversarial stages
    use (``MODEL.FREEZE_BN: True``) and which adds no epsilon to the
    variance. Nothing is trained and ``train()`` changes nothing. State
    dict keys are those of ``nn.BatchNorm2d`` without
    ``num_batches_tracked``. Use it as ``norm_cfg=dict(type='FrozenBN')``.

    Args:
        num_features (int): Number of channels.
        eps (float): Added to the variance. Default: 0.
    """
    _abbr_ = 'bn'

    def __init__(self, num_features: int, eps: float = 0.) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.register_buffer('weight', torch.ones(num_features))
        self.register_buffer('bias', torch.zeros(num_features))
        self.register_buffer('running_mean', torch.zeros(num_features))
        self.register_buffer('running_var', torch.ones(num_features))

    def forward(self, x: Tensor) -> Tensor:
        """Normalise ``x`` with the stored statistics."""
        scale = self.weight * (self.running_var + self.eps).rsqrt()
        shift = self.bias - self.running_mean * scale
        return x * scale.view(1, -1, 1, 1) + shift.view(1, -1, 1, 1)

    def extra_repr(self) -> str:
        return f'{self.num_features}, eps={self.eps}'
