from .class_balanced_sampler import ClassBalancedSampler
from .rare_class_sampler import (RareClassIndex, RareClassSampler,
                                 class_pixel_stats, rare_class_probabilities)

__all__ = [
    'ClassBalancedSampler', 'RareClassIndex', 'RareClassSampler',
    'class_pixel_stats', 'rare_class_probabilities'
]
