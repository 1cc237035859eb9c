"""How a data preprocessor normalises the pixels it hands to a model."""
from typing import Tuple

import torch
from torch import Tensor


def pixel_normalisation(preprocessor) -> Tuple[Tensor, Tensor, bool]:
    """``mean``, ``std`` (C, 1, 1) and the BGR->RGB flag of a preprocessor.

    A ``SegDataPreProcessor`` turns loaded (BGR) images into
    ``(image[flip] - mean) / std``; without normalisation mean is 0 and
    std 1.

    Args:
        preprocessor: A data preprocessor (``SegDataPreProcessor`` or any
            object with its ``_enable_normalize``, ``mean``, ``std`` and
            ``channel_conversion`` attributes).

    Returns:
        tuple: ``mean`` and ``std`` on the CPU, and whether the
        preprocessor converts BGR to RGB.
    """
    if getattr(preprocessor, '_enable_normalize', False):
        mean, std = preprocessor.mean, preprocessor.std
    else:
        mean, std = torch.zeros(3, 1, 1), torch.ones(3, 1, 1)
    flip = bool(getattr(preprocessor, 'channel_conversion', False))
    return mean.detach().cpu(), std.detach().cpu(), flip
