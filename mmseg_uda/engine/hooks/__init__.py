from .channels_last_hook import ChannelsLastHook, to_channels_last
from .num_classes_check_hook import NumClassesCheckHook
from .pseudo_label_hook import PseudoLabelHook
from .random_state_hook import RandomStateHook
from .uda_visualization_hook import UDAVisualizationHook

__all__ = [
    'ChannelsLastHook', 'NumClassesCheckHook', 'PseudoLabelHook',
    'RandomStateHook', 'UDAVisualizationHook', 'to_channels_last'
]
