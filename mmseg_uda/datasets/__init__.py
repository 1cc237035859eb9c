from .crosscity import CrossCityDataset
from .gta5 import GTA5Dataset
from .label_ids import (CITYSCAPES_ID_TO_CROSSCITY, CITYSCAPES_ID_TO_TRAINID,
                        CROSSCITY_CLASSES, LABEL_MAPPINGS, SUBSET_13,
                        SUBSET_16, SYNTHIA_ID_TO_TRAINID, map_label_ids)
from .samplers import ClassBalancedSampler
from .synthia import SynthiaDataset
from .transforms import *  # noqa: F401,F403
from .uda_dataset import UDADataset

__all__ = [
    'GTA5Dataset', 'SynthiaDataset', 'CrossCityDataset',
    'CITYSCAPES_ID_TO_TRAINID', 'SYNTHIA_ID_TO_TRAINID', 'SUBSET_16',
    'SUBSET_13', 'CROSSCITY_CLASSES', 'CITYSCAPES_ID_TO_CROSSCITY',
    'LABEL_MAPPINGS', 'map_label_ids', 'UDADataset', 'ClassBalancedSampler'
]
