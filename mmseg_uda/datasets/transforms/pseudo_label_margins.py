"""Image margins where pseudo labels are not trusted (DAFormer, HRDA)."""
from typing import Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.structures import PixelData
from mmseg.datasets.transforms import PackSegInputs
from mmseg.datasets.transforms.formatting import to_tensor
from mmseg.registry import TRANSFORMS

#: The seg field that carries the mask through crops and flips.
VALID_PSEUDO_MASK = 'valid_pseudo_mask'


@TRANSFORMS.register_module()
class PseudoLabelMargins(BaseTransform):
    """Mark image margins whose pseudo labels get weight 0.

    Adds ``valid_pseudo_mask`` (uint8, 1 inside, 0 on the margins) at the
    current image size and lists it in ``seg_fields``, so the geometric
    transforms that follow (``RandomCrop``, ``RandomFlip``, ``Resize``)
    move it with the image; :class:`PackUDAInputs` packs it and the
    self-training methods multiply their pseudo-label weights by it.

    The margins are in pixels of the image as it is where the transform
    stands in the pipeline: DAFormer drops the top 15 and bottom 120 rows of
    a Cityscapes image resized to 1024x512 (the rectification border and
    the ego car), HRDA ``[30, 240, 30, 30]`` (top, bottom, left, right) of
    the 2048x1024 image. Place it after the ``Resize`` whose output size
    the margins refer to and before the crop.

    Args:
        top (int): Rows at the top. Defaults to 0.
        bottom (int): Rows at the bottom. Defaults to 0.
        left (int): Columns at the left. Defaults to 0.
        right (int): Columns at the right. Defaults to 0.
    """

    def __init__(self,
                 top: int = 0,
                 bottom: int = 0,
                 left: int = 0,
                 right: int = 0) -> None:
        self.margins = dict(top=top, bottom=bottom, left=left, right=right)
        for name, value in self.margins.items():
            if not isinstance(value, int) or value < 0:
                raise ValueError(
                    f'PseudoLabelMargins: {name} must be an int >= 0, got '
                    f'{value!r}.')

    def transform(self, results: dict) -> dict:
        height, width = results['img'].shape[:2]
        top, bottom = self.margins['top'], self.margins['bottom']
        left, right = self.margins['left'], self.margins['right']
        if top + bottom >= height or left + right >= width:
            raise ValueError(
                f'PseudoLabelMargins: the margins {self.margins} leave '
                f'nothing of the {width}x{height} image '
                f'{results.get("img_path", "")}; they are in pixels of the '
                'image where the transform stands in the pipeline.')
        mask = np.zeros((height, width), dtype=np.uint8)
        mask[top:height - bottom, left:width - right] = 1
        results[VALID_PSEUDO_MASK] = mask
        seg_fields = results.setdefault('seg_fields', [])
        if VALID_PSEUDO_MASK not in seg_fields:
            seg_fields.append(VALID_PSEUDO_MASK)
        return results

    def __repr__(self) -> str:
        args = ', '.join(f'{k}={v}' for k, v in self.margins.items())
        return f'{self.__class__.__name__}({args})'


@TRANSFORMS.register_module()
class PackUDAInputs(PackSegInputs):
    """``PackSegInputs`` that also packs the pseudo-label margin mask.

    ``valid_pseudo_mask`` of :class:`PseudoLabelMargins`, if present,
    becomes ``data_sample.valid_pseudo_mask`` (``PixelData``, (1, H, W)
    bool).

    Args:
        meta_keys (Sequence[str], optional): As ``PackSegInputs``.
    """

    def __init__(self, meta_keys: Optional[Sequence[str]] = None) -> None:
        if meta_keys is None:
            super().__init__()
        else:
            super().__init__(meta_keys=meta_keys)

    def transform(self, results: dict) -> dict:
        packed = super().transform(results)
        if VALID_PSEUDO_MASK in results:
            mask = to_tensor(results[VALID_PSEUDO_MASK][None] > 0)
            packed['data_samples'].set_data(
                {VALID_PSEUDO_MASK: PixelData(data=mask)})
        return packed
