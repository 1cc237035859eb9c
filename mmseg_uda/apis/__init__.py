from .inference import build_dataset, get_dataset_cfg, init_segmentor
from .pseudo_labels import (build_labelling_dataset, build_policy,
                            generate_pseudo_labels)
from .self_training_diagnosis import format_curve_table, self_training_curve
from .stage_runner import StageData, StageRunner, load_stage_graph
from .toy_benchmark import run_toy_benchmark, toy_stage_data
from .translate import ImageTranslator, translate, translate_dataset

__all__ = [
    'build_dataset', 'get_dataset_cfg', 'init_segmentor',
    'build_labelling_dataset', 'build_policy', 'generate_pseudo_labels',
    'format_curve_table', 'self_training_curve', 'StageData', 'StageRunner',
    'load_stage_graph', 'run_toy_benchmark', 'toy_stage_data',
    'ImageTranslator', 'translate', 'translate_dataset'
]
