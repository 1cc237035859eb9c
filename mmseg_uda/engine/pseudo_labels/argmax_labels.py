"""Plain argmax pseudo labels (FADA's self-distillation)."""
import numpy as np
import torch
from mmseg.registry import TASK_UTILS
from torch import Tensor

from .base_policy import BasePseudoLabelPolicy


@TASK_UTILS.register_module()
class ArgmaxLabels(BasePseudoLabelPolicy):
    """Label every pixel with its most probable class, nothing ignored.

    FADA (Wang et al., ECCV 2020) distils the adapted model into a fresh
    student with these hard labels on all target pixels.
    """

    def label(self, probs: Tensor) -> np.ndarray:
        self.check_probs(probs)
        return probs.argmax(dim=0).to(torch.uint8).cpu().numpy()
