from .amp import autocast_disabled, float32_loss
from .local_pretrained import LocalPretrained
from .requires_grad import set_requires_grad
from .segmentor_checkpoint import (UDA_SEGMENTOR_PREFIX,
                                   load_segmentor_checkpoint)

__all__ = [
    'LocalPretrained', 'UDA_SEGMENTOR_PREFIX', 'autocast_disabled',
    'float32_loss', 'load_segmentor_checkpoint', 'set_requires_grad'
]
