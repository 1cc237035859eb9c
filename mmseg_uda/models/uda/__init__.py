from .adaptsegnet import AdaptSegNet
from .base_uda_segmentor import BaseUDASegmentor
from .cirn import CIRN
from .fada import FADA
from .segmentor_forward import SegmentorForward
from .self_training import SelfTraining

__all__ = [
    'AdaptSegNet', 'BaseUDASegmentor', 'SegmentorForward', 'SelfTraining',
    'FADA', 'CIRN'
]
