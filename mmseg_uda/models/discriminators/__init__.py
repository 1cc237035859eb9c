from .fc_discriminator import FCDiscriminator
from .fine_grained_discriminator import FineGrainedDiscriminator
from .multi_level_discriminator import MultiLevelDiscriminator
from .multi_scale_patch_discriminator import MultiScalePatchDiscriminator

__all__ = [
    'FCDiscriminator', 'MultiLevelDiscriminator', 'FineGrainedDiscriminator',
    'MultiScalePatchDiscriminator'
]
