from .cycle_gan_translator import CycleGANTranslator
from .image_pool import ImagePool
from .patch_discriminator import PatchDiscriminator
from .resnet_generator import ResNetGenerator

__all__ = [
    'CycleGANTranslator', 'ImagePool', 'PatchDiscriminator', 'ResNetGenerator'
]
