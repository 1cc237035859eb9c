"""Paired source / target dataset wrapper for domain adaptation."""
import copy
import logging
from typing import Any, Optional, Union

import numpy as np
from mmengine.dataset import force_full_init
from mmengine.logging import print_log
from mmseg.registry import DATASETS
from mmseg.utils import ConfigType

from .dataset_checks import build_checked_dataset
from .skip_unreadable import UnreadableSampleSkipper, raise_unreadable

PAIRINGS = ('random', 'shuffle', 'cyclic')


@DATASETS.register_module()
class UDADataset:
    """Pair every sample of a labeled source set with a target sample.

    Both sides are ordinary datasets, each with its own pipeline, so a target
    set without annotation loading gives unlabeled target samples and one
    whose ``seg_map_path`` points at a pseudo-label folder gives pseudo
    labels. An epoch walks the source set once; ``__getitem__`` returns
    ``dict(source=<source sample>, target=<target sample>)`` and the default
    ``pseudo_collate`` turns a batch into
    ``dict(source=dict(inputs=[...], data_samples=[...]), target=...)``.

    Pairings of source index ``idx`` with a target index:

    - ``'random'``: drawn uniformly with numpy's global random generator,
      which MMEngine seeds per dataloader worker from ``randomness.seed``,
      so runs are reproducible. With ``num_workers=0`` under DDP set
      ``randomness.diff_rank_seed=True``, or every rank draws the same
      target indices.
    - ``'shuffle'``: ``perm[idx % len(target)]`` with a fixed permutation of
      the target drawn from ``seed``, identical on every rank.
    - ``'cyclic'``: ``idx % len(target)``.

    The wrapper holds no state that differs between ranks apart from the
    ``'random'`` draw.

    Args:
        source (dict | Dataset): Config or instance of the labeled source
            dataset. Any dataset with ``metainfo``, ``__len__`` and
            ``__getitem__`` works, e.g. an MMEngine ``ClassBalancedDataset``.
        target (dict | Dataset): Config or instance of the target dataset.
        pairing (str): How target samples are chosen, one of ``'random'``,
            ``'shuffle'`` and ``'cyclic'``. Defaults to 'random'.
        seed (int): Seed of the ``'shuffle'`` permutation. Defaults to 0.
        lazy_init (bool): Whether to defer ``full_init`` (loading the file
            lists of both datasets) until first use. Defaults to False.
        skip_unreadable (bool): Skip samples of either domain whose image
            or label file is unreadable (empty, truncated, damaged) and load
            a random other sample of that domain instead, with a warning
            that names the file and counts the skipped samples; other
            loading errors are still raised. The wrapper is for training
            only. Defaults to False.
        max_refetch (int): With ``skip_unreadable``, how many unreadable
            samples in a row may be skipped before giving up. Defaults to
            1000.
    """

    def __init__(self,
                 source: Union[ConfigType, Any],
                 target: Union[ConfigType, Any],
                 pairing: str = 'random',
                 seed: int = 0,
                 lazy_init: bool = False,
                 skip_unreadable: bool = False,
                 max_refetch: int = 1000) -> None:
        if pairing not in PAIRINGS:
            raise ValueError(f'UDADataset: unknown pairing {pairing!r}; use '
                             f'one of {list(PAIRINGS)}.')
        self.pairing = pairing
        self.seed = seed
        self.source_dataset = self._build(source, 'source')
        self.target_dataset = self._build(target, 'target')
        self._metainfo = self.source_dataset.metainfo
        self._check_classes()
        self.skip_unreadable = skip_unreadable
        self.max_refetch = max_refetch
        self._skippers = {
            side: UnreadableSampleSkipper(f'UDADataset ({side})')
            for side in ('source', 'target')
        } if skip_unreadable else {}
        self._target_perm = None
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    @staticmethod
    def _build(dataset: Union[ConfigType, Any], side: str) -> Any:
        """Build a dataset config or check a dataset instance.

        Configs are built lazily and their folders and split files checked
        (:func:`build_checked_dataset`), so an empty or missing folder stops
        here with its path; ``full_init`` then lists the samples.
        """
        if isinstance(dataset, dict):
            return build_checked_dataset(dataset, f'UDADataset {side}')
        required = ('metainfo', '__len__', '__getitem__')
        if not all(hasattr(dataset, attr) for attr in required):
            raise TypeError(
                f'UDADataset: `{side}` must be a dataset config (dict) or a '
                f'dataset with {", ".join(required)}, got '
                f'{type(dataset).__name__}.')
        return dataset

    def _check_classes(self) -> None:
        """Check that the target classes, if any, equal the source's."""
        source_classes = self._metainfo.get('classes')
        target_classes = self.target_dataset.metainfo.get('classes')
        if target_classes is None:
            return
        if source_classes is None or (tuple(source_classes)
                                      != tuple(target_classes)):
            raise ValueError(
                'UDADataset: source and target classes differ.\n'
                f'  source ({type(self.source_dataset).__name__}): '
                f'{source_classes}\n'
                f'  target ({type(self.target_dataset).__name__}): '
                f'{target_classes}\n'
                'Give both datasets the same `metainfo=dict(classes=...)`, '
                'or leave classes out of the target metainfo.')

    @property
    def metainfo(self) -> dict:
        """The source dataset's meta information (a copy)."""
        return copy.deepcopy(self._metainfo)

    def full_init(self) -> None:
        """Load both datasets and draw the ``'shuffle'`` permutation."""
        if self._fully_initialized:
            return
        for dataset in (self.source_dataset, self.target_dataset):
            if hasattr(dataset, 'full_init'):
                dataset.full_init()
        num_target = len(self.target_dataset)
        if len(self.source_dataset) == 0 or num_target == 0:
            raise ValueError(
                'UDADataset: the source and the target dataset need at least '
                f'one sample each, got {len(self.source_dataset)} source '
                f'({type(self.source_dataset).__name__}) and {num_target} '
                f'target ({type(self.target_dataset).__name__}) samples; '
                'check their data_root and data_prefix.')
        if self.pairing == 'shuffle':
            self._target_perm = np.random.default_rng(
                self.seed).permutation(num_target)
        self._fully_initialized = True

    @force_full_init
    def target_index(self, idx: int) -> int:
        """Return the target index paired with source index ``idx``.

        Args:
            idx (int): Source index.

        Returns:
            int: Target index (a fresh draw for ``'random'``).
        """
        num_target = len(self.target_dataset)
        if self.pairing == 'random':
            return int(np.random.randint(num_target))
        if self.pairing == 'shuffle':
            return int(self._target_perm[idx % num_target])
        return idx % num_target

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """Return ``dict(source=..., target=...)`` data infos of a pair.

        Args:
            idx (int): Source index.

        Returns:
            dict: The source data info and that of its paired target.
        """
        return dict(
            source=self.source_dataset.get_data_info(idx),
            target=self.target_dataset.get_data_info(self.target_index(idx)))

    @force_full_init
    def __len__(self) -> int:
        return len(self.source_dataset)

    def __getitem__(self, idx: int) -> dict:
        if not self._fully_initialized:
            print_log(
                'Please call `full_init` method manually to accelerate the '
                'speed.',
                logger='current',
                level=logging.WARNING)
            self.full_init()
        return dict(
            source=self._load_source(idx),
            target=self._load('target', self.target_dataset,
                              self.target_index(idx)))

    def _load_source(self, idx: int) -> Any:
        """The source sample; for an index of ``RareClassSampler`` with a
        crop re-draw (a ``RareClassIndex``), the first of up to
        ``1 + max_crop_redraws`` loads whose label holds more than
        ``min_crop_pixels`` pixels of the drawn class, else the last one.
        """
        sample = self._load('source', self.source_dataset, idx)
        rare_class = getattr(idx, 'rare_class', None)
        if rare_class is None:
            return sample
        for _ in range(idx.max_crop_redraws):
            label = sample['data_samples'].gt_sem_seg.data
            if (label == rare_class).sum() > idx.min_crop_pixels:
                break
            sample = self._load('source', self.source_dataset, idx)
        return sample

    @staticmethod
    def _data_info(dataset: Any, idx: int) -> Optional[dict]:
        """The data info of sample ``idx``, if the dataset has them."""
        if hasattr(dataset, 'get_data_info'):
            return dataset.get_data_info(idx)
        return None

    def _load(self, side: str, dataset: Any, idx: int) -> Any:
        """``dataset[idx]``, skipping unreadable samples if enabled.

        Without ``skip_unreadable`` a sample that fails because one of its
        files is unreadable raises :class:`UnreadableFileError`, naming the
        file, ``check_dataset.py`` and ``skip_unreadable=True``.
        """
        skipper = self._skippers.get(side)
        if skipper is None:
            try:
                return dataset[idx]
            except Exception as error:
                raise_unreadable(f'UDADataset ({side})',
                                 self._data_info(dataset, idx), error,
                                 getattr(dataset, 'backend_args', None))
                raise
        for _ in range(self.max_refetch + 1):
            try:
                return dataset[idx]
            except Exception as error:
                if not skipper.skip(self._data_info(dataset, idx), error):
                    raise
            idx = int(np.random.randint(len(dataset)))
        raise RuntimeError(
            f'UDADataset: {self.max_refetch + 1} {side} samples in a row '
            'were unreadable; list the bad files with '
            'tools/analysis_tools/check_dataset.py CONFIG.')
