from .adaptsegnet import AdaptSegNet
from .base_uda_segmentor import BaseUDASegmentor
from .segmentor_forward import SegmentorForward

__all__ = ['AdaptSegNet', 'BaseUDASegmentor', 'SegmentorForward']
