from .num_classes_check_hook import NumClassesCheckHook
from .pseudo_label_hook import PseudoLabelHook
from .uda_visualization_hook import UDAVisualizationHook

__all__ = ['NumClassesCheckHook', 'PseudoLabelHook', 'UDAVisualizationHook']
