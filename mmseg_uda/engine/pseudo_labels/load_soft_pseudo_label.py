"""Read the soft pseudo labels written by the ``SoftLabels`` policy."""
import io
from typing import Optional

import mmengine.fileio as fileio
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadSoftPseudoLabel(BaseTransform):
    """Load a ``(C, H, W)`` float16 ``.npy`` of class probabilities.

    Use it instead of ``LoadAnnotations`` in a target pipeline whose dataset
    points ``seg_map_path`` at soft pseudo labels (``seg_map_suffix=
    '_pseudo_soft.npy'``). The probabilities become ``gt_soft_seg_map``, an
    ``(H, W, C)`` float32 array listed in ``seg_fields`` so that geometric
    transforms (flip, resize, crop) move it with the image; their argmax
    becomes ``gt_seg_map`` for transforms that need a class map. Pack with
    ``PackSoftSegInputs``.

    Required keys: ``seg_map_path``, ``img_shape``.
    Added keys: ``gt_soft_seg_map``, ``gt_seg_map``, ``seg_fields``.

    Args:
        backend_args (dict, optional): mmengine file backend arguments.
            Defaults to None.
    """

    def __init__(self, backend_args: Optional[dict] = None) -> None:
        self.backend_args = backend_args.copy() if backend_args else None

    def transform(self, results: dict) -> dict:
        path = results['seg_map_path']
        content = fileio.get(path, backend_args=self.backend_args)
        probs = np.load(io.BytesIO(content), allow_pickle=False)
        if probs.ndim != 3:
            raise ValueError(
                f'Soft pseudo label {path} has shape {probs.shape}, expected '
                '(C, H, W): write it with the SoftLabels policy.')
        probs = np.ascontiguousarray(probs.transpose(1, 2, 0), np.float32)
        img_shape = results.get('img_shape')
        if img_shape is not None and tuple(img_shape[:2]) != probs.shape[:2]:
            raise ValueError(
                f'Soft pseudo label {path} is {probs.shape[1]}x'
                f'{probs.shape[0]} (WxH) but image {results.get("img_path")} '
                f'is {img_shape[1]}x{img_shape[0]}: regenerate the labels '
                'with this dataset, and load them before resizing.')
        results['gt_soft_seg_map'] = probs
        results['gt_seg_map'] = probs.argmax(axis=2).astype(np.uint8)
        results.setdefault('seg_fields',
                           []).extend(['gt_soft_seg_map', 'gt_seg_map'])
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(backend_args={self.backend_args})'
