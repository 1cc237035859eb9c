from .cycle_gan_translator import CycleGANTranslator
from .image_pool import ImagePool
from .label_reconstructor import LabelReconstructor
from .patch_discriminator import PatchDiscriminator
from .resnet_generator import ResNetGenerator

__all__ = [
    'CycleGANTranslator', 'ImagePool', 'LabelReconstructor',
    'PatchDiscriminator', 'ResNetGenerator'
]
