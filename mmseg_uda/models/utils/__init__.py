from .adversarial_train_step import AdversarialTrainStep, check_optim_wrapper
from .amp import autocast_disabled, float32_loss
from .block_masking import MaskedImageConsistency, block_mask
from .class_mix import class_mix_masks, mix
from .ema_teacher import EMATeacher
from .label_maps import one_hot_label_map, soft_label_map
from .local_pretrained import LocalPretrained
from .official_weights import OfficialWeightsError, detect_kind
from .pixel_normalisation import (images_to_inputs, inputs_to_images,
                                  pixel_normalisation)
from .pixel_weighted_losses import pixel_weighted_head_losses
from .pseudo_labeler import QualityPseudoLabeler
from .requires_grad import set_requires_grad
from .segmentor_checkpoint import (UDA_SEGMENTOR_PREFIX,
                                   load_segmentor_checkpoint)
from .segmentor_heads import head_losses, loss_prefix, segmentor_heads
from .strong_augment import color_jitter, gaussian_blur
from .vgg19_features import VGG19Features, load_vgg19

__all__ = [
    'AdversarialTrainStep', 'EMATeacher', 'LocalPretrained',
    'OfficialWeightsError', 'QualityPseudoLabeler', 'UDA_SEGMENTOR_PREFIX',
    'VGG19Features', 'autocast_disabled', 'check_optim_wrapper',
    'class_mix_masks', 'color_jitter', 'detect_kind', 'float32_loss',
    'gaussian_blur', 'head_losses', 'images_to_inputs', 'inputs_to_images',
    'load_segmentor_checkpoint', 'load_vgg19', 'loss_prefix', 'mix',
    'one_hot_label_map', 'pixel_normalisation', 'pixel_weighted_head_losses',
    'segmentor_heads', 'set_requires_grad', 'soft_label_map',
    'MaskedImageConsistency', 'block_mask'
]
