from .argmax_labels import ArgmaxLabels
from .base_policy import IGNORE_INDEX, BasePseudoLabelPolicy
from .class_median_threshold import ClassMedianThreshold
from .generator import (PseudoLabelGenerator, build_inference_dataset,
                        inference_pipeline, probs_from_seg_logits,
                        pseudo_label_path, read_info)
from .load_soft_pseudo_label import LoadSoftPseudoLabel
from .max_prob_threshold import MaxProbThreshold
from .pack_soft_seg_inputs import PackSoftSegInputs
from .soft_labels import SoftLabels

__all__ = [
    'IGNORE_INDEX', 'BasePseudoLabelPolicy', 'MaxProbThreshold',
    'ClassMedianThreshold', 'ArgmaxLabels', 'SoftLabels',
    'PseudoLabelGenerator', 'build_inference_dataset', 'inference_pipeline',
    'probs_from_seg_logits', 'pseudo_label_path', 'read_info',
    'LoadSoftPseudoLabel', 'PackSoftSegInputs'
]
