from .deeplab_resnet import DeepLabV2ResNet
from .frozen_batch_norm import FrozenBatchNorm2d

__all__ = ['DeepLabV2ResNet', 'FrozenBatchNorm2d']
