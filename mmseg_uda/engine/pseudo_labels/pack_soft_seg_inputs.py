"""``PackSegInputs`` that also packs soft pseudo labels."""
import numpy as np
import torch
from mmengine.structures import PixelData
from mmseg.datasets.transforms import PackSegInputs
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PackSoftSegInputs(PackSegInputs):
    """Pack like ``PackSegInputs``, plus ``gt_soft_seg_map`` when present.

    The ``(H, W, C)`` probabilities of ``LoadSoftPseudoLabel`` become
    ``data_sample.gt_soft_seg``, a ``PixelData`` of ``(C, H, W)`` float32.
    Samples without soft labels are packed exactly as ``PackSegInputs``
    does.
    """

    def transform(self, results: dict) -> dict:
        packed = super().transform(results)
        if 'gt_soft_seg_map' in results:
            soft = np.ascontiguousarray(results['gt_soft_seg_map'].transpose(
                2, 0, 1))
            packed['data_samples'].gt_soft_seg = PixelData(
                data=torch.from_numpy(soft))
        return packed
