"""Soft pseudo labels: the class probabilities themselves."""
import io

import numpy as np
import torch
from mmseg.registry import TASK_UTILS
from torch import Tensor

from .base_policy import BasePseudoLabelPolicy


@TASK_UTILS.register_module()
class SoftLabels(BasePseudoLabelPolicy):
    """Save the ``(C, H, W)`` class probabilities as a float16 ``.npy``.

    float16 keeps the probabilities to about 3 significant digits at half
    the size of float32: a 2048x1024 Cityscapes image with 19 classes takes
    76 MiB, so soft labels of the whole 2,975-image training set need about
    230 GB; store them for small or downscaled sets. Training pipelines
    read them with ``LoadSoftPseudoLabel`` and pack them with
    ``PackSoftSegInputs`` (``data_sample.gt_soft_seg``); ``SelfTraining``
    then uses a soft cross-entropy on the target domain.
    """

    suffix = '_pseudo_soft.npy'

    def label(self, probs: Tensor) -> np.ndarray:
        self.check_probs(probs)
        return probs.to(torch.float16).cpu().numpy()

    def hard_label(self, label: np.ndarray) -> np.ndarray:
        return label.argmax(axis=0).astype(np.uint8)

    def encode(self, label: np.ndarray) -> bytes:
        buffer = io.BytesIO()
        np.save(buffer, label, allow_pickle=False)
        return buffer.getvalue()
