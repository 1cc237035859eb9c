"""Load label maps of the UDA benchmarks in their original id spaces."""
import logging
from typing import Dict, Optional, Union

import mmcv
import mmengine.fileio as fileio
import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log
from mmseg.registry import TRANSFORMS

from ..label_ids import (get_label_mapping, map_label_ids,
                         unknown_label_counts, unknown_label_ids)
from ..utils import decode_label


@TRANSFORMS.register_module()
class LoadUDAAnnotations(BaseTransform):
    """Load a label map, map its ids to train ids and check its size.

    A drop-in for mmseg's ``LoadAnnotations`` (it sets ``gt_seg_map`` and
    appends it to ``seg_fields``) that reads the raw formats of the UDA
    benchmarks: 8-bit and indexed-colour PNGs (GTA5), 16-bit multi-channel
    PNGs (SYNTHIA, class id in one channel), and maps dataset ids to train
    ids on the fly, so no conversion step is needed. Ids the mapping does not
    list become 255 (ignored by the losses and metrics), and the first label
    holding ids that are invalid for the dataset is named in a warning
    (once per process, with the ids' pixel counts); with ``strict=True``
    such ids raise instead (void ids such as
    Cityscapes' 0-6 stay valid, see ``VALID_LABEL_IDS``). The dataset's
    ``label_map`` (set when ``metainfo`` selects a subset of classes) is
    applied after the mapping.

    Must follow ``LoadImageFromFile``: the label size is checked against the
    original image size ``ori_shape``, so, as in mmseg's test pipelines, it
    may also come after a ``Resize`` (the label then stays at the original
    size, where the metric compares it). A few GTA5 label maps differ in
    size from their images; ``size_mismatch='resize'`` resizes such labels
    (nearest neighbour) and logs a warning naming the file.

    Required keys: ``seg_map_path``, ``ori_shape``, ``img_path``.
    Added keys: ``gt_seg_map`` (np.uint8), ``seg_fields``.

    Args:
        label_mapping (str | dict, optional): ``'cityscapes'`` (Cityscapes /
            GTA5 labelIds -> 19 trainIds), ``'synthia'``, ``'crosscity'``
            (labelIds -> 13 Cross-City ids), a dict of ids, or None for maps
            already in train ids (e.g. ``*_labelTrainIds.png``). Defaults to
            None.
        channel (int, optional): Channel holding the class ids of a
            multi-channel label, in OpenCV's BGR order (``2`` for SYNTHIA
            ``GT/LABELS``). None for single-channel labels. Defaults to None.
        strict (bool): Raise, naming the file and the ids, when the label
            holds ids that are neither keys of the mapping nor void ids of a
            named mapping. Defaults to False.
        size_mismatch (str): ``'error'`` or ``'resize'`` when the label and
            image sizes differ. Defaults to 'error'.
        imdecode_backend (str, optional): Force an mmcv image decoding
            backend. None picks Pillow for indexed-colour PNGs and OpenCV
            (unchanged) otherwise. Defaults to None.
        backend_args (dict, optional): mmengine file backend arguments.
            Defaults to None.
    """

    def __init__(self,
                 label_mapping: Optional[Union[str, Dict[int, int]]] = None,
                 channel: Optional[int] = None,
                 strict: bool = False,
                 size_mismatch: str = 'error',
                 imdecode_backend: Optional[str] = None,
                 backend_args: Optional[dict] = None) -> None:
        if label_mapping is not None:
            get_label_mapping(label_mapping)  # fail at build time
        if size_mismatch not in ('error', 'resize'):
            raise ValueError("size_mismatch must be 'error' or 'resize', got "
                             f'{size_mismatch!r}.')
        self.label_mapping = label_mapping
        self.channel = channel
        self.strict = strict
        self.size_mismatch = size_mismatch
        self.imdecode_backend = imdecode_backend
        self.backend_args = backend_args.copy() if backend_args else None
        self._warned_unknown = False

    def transform(self, results: dict) -> dict:
        """Load, map and size-check ``results['seg_map_path']``.

        Args:
            results (dict): Result dict from the dataset and
                ``LoadImageFromFile``.

        Returns:
            dict: ``results`` with ``gt_seg_map`` added.
        """
        path = results['seg_map_path']
        if 'ori_shape' not in results:
            raise KeyError(f'LoadUDAAnnotations needs ori_shape to check '
                           f'{path}: put LoadImageFromFile before it in the '
                           'pipeline.')
        if results.get('reduce_zero_label'):
            raise ValueError('LoadUDAAnnotations does not support '
                             'reduce_zero_label=True: use mmseg\'s '
                             'LoadAnnotations for such datasets.')
        label = decode_label(
            fileio.get(path, backend_args=self.backend_args), path,
            self.channel, self.imdecode_backend)
        label = self._map_ids(label, path)
        if results.get('label_map'):
            label = map_label_ids(label, results['label_map'])
        results['gt_seg_map'] = self._match_size(label, results)
        results.setdefault('seg_fields', []).append('gt_seg_map')
        return results

    def _map_ids(self, label: np.ndarray, path: str) -> np.ndarray:
        if self.label_mapping is None:
            if label.dtype != np.uint8 and label.max() > 255:
                raise ValueError(
                    f'Label map {path} holds ids up to {label.max()}, which '
                    'do not fit train ids: set label_mapping (e.g. '
                    "'synthia') and channel.")
            return label.astype(np.uint8)
        if self.strict:
            unknown = unknown_label_ids(label, self.label_mapping)
            if unknown.size:
                raise ValueError(
                    f'Label map {path} holds ids {unknown.tolist()} that '
                    f'label_mapping {self._mapping_name} does not list: fix '
                    'label_mapping, or set strict=False to map them to 255 '
                    '(ignored).')
        elif not self._warned_unknown:
            self._warn_unknown_ids(label, path)
        return map_label_ids(label, self.label_mapping)

    def _warn_unknown_ids(self, label: np.ndarray, path: str) -> None:
        """Warn once per process about ids that become 255 silently."""
        unknown = unknown_label_counts(label, self.label_mapping)
        if not unknown:
            return
        self._warned_unknown = True
        counts = ', '.join(f'{i}: {n}' for i, n in unknown.items())
        print_log(
            f'LoadUDAAnnotations: label map {path} holds ids that '
            f'label_mapping {self._mapping_name} does not list (id: pixels) '
            f'{counts}; they are mapped to 255 (ignored). Shown once per '
            'process: list every such file with python '
            'tools/analysis_tools/check_dataset.py CONFIG, or set '
            'strict=True to stop on them.',
            logger='current',
            level=logging.WARNING)

    @property
    def _mapping_name(self) -> str:
        if isinstance(self.label_mapping, str):
            return repr(self.label_mapping)
        return 'dict'

    def _match_size(self, label: np.ndarray, results: dict) -> np.ndarray:
        img_h, img_w = results['ori_shape'][:2]
        label_h, label_w = label.shape
        if (label_h, label_w) == (img_h, img_w):
            return label
        sizes = (f'label {results["seg_map_path"]} is {label_w}x{label_h} '
                 f'(WxH) but image {results.get("img_path")} is '
                 f'{img_w}x{img_h}')
        if self.size_mismatch == 'error':
            raise ValueError(
                f'Size mismatch: {sizes}. Fix or remove the pair, or set '
                "size_mismatch='resize' in LoadUDAAnnotations to resize the "
                'label (nearest neighbour).')
        print_log(
            f'LoadUDAAnnotations: {sizes}; resized the label (nearest).',
            logger='current',
            level=logging.WARNING)
        return mmcv.imresize(label, (img_w, img_h), interpolation='nearest')

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'label_mapping={self.label_mapping!r}, '
                f'channel={self.channel}, strict={self.strict}, '
                f"size_mismatch='{self.size_mismatch}', "
                f'imdecode_backend={self.imdecode_backend!r}, '
                f'backend_args={self.backend_args})')
