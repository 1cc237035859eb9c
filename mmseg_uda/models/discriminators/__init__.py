from .fc_discriminator import FCDiscriminator
from .fine_grained_discriminator import FineGrainedDiscriminator
from .multi_level_discriminator import MultiLevelDiscriminator

__all__ = [
    'FCDiscriminator', 'MultiLevelDiscriminator', 'FineGrainedDiscriminator'
]
