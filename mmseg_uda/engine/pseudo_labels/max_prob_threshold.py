"""BDL's max-probability threshold (MPT) pseudo labels."""
import numpy as np
import torch
from mmseg.registry import TASK_UTILS
from torch import Tensor

from .base_policy import IGNORE_INDEX, BasePseudoLabelPolicy


@TASK_UTILS.register_module()
class MaxProbThreshold(BasePseudoLabelPolicy):
    """Keep the argmax class where its probability reaches a threshold.

    Li et al., "Bidirectional Learning for Domain Adaptation of Semantic
    Segmentation", CVPR 2019, Sec. 3.3 / 4.3: pixels whose maximum class
    probability is below the threshold (0.9 in the paper) become
    :data:`IGNORE_INDEX`; the others keep their argmax class.

    Args:
        threshold (float): Minimum kept probability. Default: 0.9.
    """

    def __init__(self, threshold: float = 0.9) -> None:
        if not 0. <= threshold <= 1.:
            raise ValueError(f'threshold must lie in [0, 1], got {threshold}.')
        self.threshold = threshold

    def label(self, probs: Tensor) -> np.ndarray:
        self.check_probs(probs)
        confidence, label = probs.max(dim=0)
        label = label.to(torch.uint8)
        label[confidence < self.threshold] = IGNORE_INDEX
        return label.cpu().numpy()

    def config(self) -> dict:
        return dict(super().config(), threshold=self.threshold)
