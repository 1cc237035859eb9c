"""The interface every pseudo-labelling policy implements."""
from typing import Dict

import cv2
import numpy as np
import torch
from torch import Tensor

#: Label value of pixels a policy leaves out (ignored by mmseg's losses).
IGNORE_INDEX = 255


class BasePseudoLabelPolicy:
    """Turn one image's class probabilities into a pseudo label.

    :class:`PseudoLabelGenerator` calls a policy once per image with the
    ``(C, H, W)`` softmax probabilities at the image's original size and
    writes what :meth:`label` returns to ``<stem><suffix>``.

    Policies whose labels depend on the whole dataset (e.g. per-class
    thresholds) set ``needs_statistics = True``: the generator then first
    streams every image through :meth:`update_statistics`, sums the arrays
    of :meth:`statistics_state` over the distributed ranks and hands the sum
    back through :meth:`load_statistics_state` before labelling. The state
    must have a fixed size (it may depend on the number of classes, never
    on the number of images) so that memory stays bounded.
    """

    #: File name ending of the written labels, replacing the image suffix.
    suffix = '_pseudo.png'
    #: Whether a statistics pass over the whole dataset must come first.
    needs_statistics = False

    def label(self, probs: Tensor) -> np.ndarray:
        """Return the pseudo label of one image.

        Args:
            probs (Tensor): ``(C, H, W)`` class probabilities.

        Returns:
            np.ndarray: The label to write, ``(H, W)`` uint8 with
            :data:`IGNORE_INDEX` for left-out pixels unless the policy says
            otherwise.
        """
        raise NotImplementedError

    def __call__(self, probs: Tensor) -> np.ndarray:
        return self.label(probs)

    def hard_label(self, label: np.ndarray) -> np.ndarray:
        """The ``(H, W)`` class map of a label, for the kept-pixel report."""
        return label

    def encode(self, label: np.ndarray) -> bytes:
        """Encode a label as the bytes of a single-channel 8-bit PNG."""
        ok, buffer = cv2.imencode('.png', label)
        if not ok:
            raise RuntimeError('OpenCV failed to encode a pseudo label as '
                               'PNG.')
        return buffer.tobytes()

    def reset_statistics(self, num_classes: int) -> None:
        """Start the statistics pass with empty statistics."""

    def update_statistics(self, probs: Tensor) -> None:
        """Accumulate one image into the dataset statistics."""

    def statistics_state(self) -> Dict[str, np.ndarray]:
        """The accumulated statistics as arrays that sum over ranks."""
        return {}

    def load_statistics_state(self, state: Dict[str, np.ndarray]) -> None:
        """Replace the accumulated statistics (e.g. by the rank sum)."""

    def describe_statistics(self) -> str:
        """A log line about what the statistics imply (e.g. thresholds)."""
        return ''

    def config(self) -> dict:
        """The policy's settings; labels of different settings never mix."""
        return dict(type=type(self).__name__)

    @staticmethod
    def check_probs(probs: Tensor) -> None:
        """Raise unless ``probs`` is a ``(C, H, W)`` floating tensor."""
        if not isinstance(probs, Tensor) or probs.dim() != 3 or \
                not torch.is_floating_point(probs):
            raise ValueError(
                'A pseudo-label policy expects (C, H, W) floating class '
                f'probabilities, got {getattr(probs, "shape", type(probs))}.')
        if probs.shape[0] > IGNORE_INDEX:
            raise ValueError(
                f'{probs.shape[0]} classes do not fit uint8 pseudo labels '
                f'whose value {IGNORE_INDEX} means "ignored".')
