from .amp import autocast_disabled, float32_loss
from .label_maps import one_hot_label_map, soft_label_map
from .local_pretrained import LocalPretrained
from .named_update import named_update
from .pixel_normalisation import pixel_normalisation
from .requires_grad import set_requires_grad
from .segmentor_checkpoint import (UDA_SEGMENTOR_PREFIX,
                                   load_segmentor_checkpoint)
from .vgg19_features import VGG19Features, load_vgg19

__all__ = [
    'LocalPretrained', 'UDA_SEGMENTOR_PREFIX', 'VGG19Features',
    'autocast_disabled', 'float32_loss', 'load_segmentor_checkpoint',
    'load_vgg19', 'named_update', 'one_hot_label_map', 'pixel_normalisation',
    'set_requires_grad', 'soft_label_map'
]
