from .amp import autocast_disabled, float32_loss
from .local_pretrained import LocalPretrained

__all__ = ['LocalPretrained', 'autocast_disabled', 'float32_loss']
