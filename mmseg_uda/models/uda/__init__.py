from .adaptsegnet import AdaptSegNet
from .base_uda_segmentor import BaseUDASegmentor
from .bdl import BDL
from .cirn import CIRN
from .dacs import DACS
from .fada import FADA
from .ldr import LDR
from .segmentor_forward import SegmentorForward
from .self_training import SelfTraining

__all__ = [
    'AdaptSegNet', 'BaseUDASegmentor', 'BDL', 'CIRN', 'DACS',
    'SegmentorForward', 'SelfTraining', 'FADA', 'LDR'
]
