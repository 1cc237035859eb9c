from .loading import LoadUDAAnnotations
from .pseudo_label_margins import PackUDAInputs, PseudoLabelMargins

__all__ = ['LoadUDAAnnotations', 'PseudoLabelMargins', 'PackUDAInputs']
