"""Check a dataset's folders and split file before it lists its samples.

MMEngine's ``BaseDataset.full_init`` lists the samples and serialises them
at once; with no sample the serialisation stops with numpy's "need at least
one array to concatenate", which names neither the folder nor the fix.
These checks run on a dataset built with ``lazy_init=True`` (cheap: nothing
is listed yet) and name the path and what to do instead:

- a ``data_root`` or image folder that does not exist,
- an image folder without a single image ending in ``img_suffix``,
- a split file (``ann_file``) that does not exist or lists no name.

``UDADataset`` checks both domains this way before loading them, and
``tools/train.py`` checks every dataset of the config before the runner
is built (:func:`check_config_datasets`).
"""
import copy
from typing import Any, Iterator, List, Optional, Tuple

import mmengine
import mmengine.fileio as fileio
from mmengine.dataset import (BaseDataset, ClassBalancedDataset, ConcatDataset,
                              RepeatDataset)
from mmseg.registry import DATASETS

#: How to obtain data, shared by the "not found" and "empty" messages.
DATA_HINT = ("download and extract the dataset (README 'Prepare datasets'; "
             'the toy benchmark: python tools/dataset_converters/'
             'generate_toy_benchmark.py --out-dir data/toy), or point '
             'data_root / data_prefix at the folder that holds it')
#: The dataloaders whose datasets :func:`check_config_datasets` checks.
DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
_WRAPPERS = (ClassBalancedDataset, ConcatDataset, RepeatDataset)


class DatasetNotFoundError(FileNotFoundError):
    """A dataset's folder or split file is missing or holds no sample."""


def _isdir(path: str, backend_args: Optional[dict]) -> bool:
    return bool(path) and fileio.isdir(path, backend_args=backend_args)


def _first_file(folder: str, suffix: Optional[str],
                backend_args: Optional[dict]) -> Optional[str]:
    files = fileio.list_dir_or_file(
        folder,
        list_dir=False,
        suffix=suffix or None,
        recursive=True,
        backend_args=backend_args)
    return next(iter(files), None)


def check_dataset_files(dataset: Any, name: Optional[str] = None) -> None:
    """Raise :class:`DatasetNotFoundError` if ``dataset`` cannot have data.

    Works on any dataset with mmseg's attributes (``data_root``,
    ``data_prefix`` with ``img_path`` / ``seg_map_path``, ``img_suffix``,
    ``ann_file``), e.g. a stock ``CityscapesDataset``, before its
    ``full_init``; datasets without them, and those that check their
    files themselves with a download hint (``CHECKS_OWN_FILES = True``:
    GTA5, SYNTHIA, Cross-City), are left alone.

    Args:
        dataset: The dataset, built with ``lazy_init=True``.
        name (str, optional): Its name in messages (e.g.
            ``'train_dataloader.dataset.target'``). Defaults to its type.
    """
    if getattr(dataset, 'CHECKS_OWN_FILES', False):
        return
    kind = type(dataset).__name__
    name = f'{name} ({kind})' if name else kind
    backend_args = getattr(dataset, 'backend_args', None)
    data_root = getattr(dataset, 'data_root', None)
    if data_root and not _isdir(data_root, backend_args):
        raise DatasetNotFoundError(
            f'{name}: data_root {data_root!r} does not exist: {DATA_HINT}.')
    prefix = getattr(dataset, 'data_prefix', None) or {}
    img_dir = prefix.get('img_path')
    img_suffix = getattr(dataset, 'img_suffix', None)
    if img_dir is not None and img_suffix is not None:
        if not _isdir(img_dir, backend_args):
            raise DatasetNotFoundError(
                f'{name}: image folder {img_dir!r} does not exist: '
                f'{DATA_HINT}.')
        if _first_file(img_dir, img_suffix, backend_args) is None:
            other = _first_file(img_dir, None, backend_args)
            holds = ('is empty' if other is None else
                     f'holds other files (e.g. {other})')
            raise DatasetNotFoundError(
                f'{name}: no image ending in {img_suffix!r} under {img_dir} '
                f'(the folder {holds}): {DATA_HINT}; or set img_suffix to '
                'the suffix of your images.')
    # Label folders are not required to exist yet: online pseudo labels
    # (PseudoLabelHook) are written when training starts.
    ann_file = getattr(dataset, 'ann_file', None)
    if ann_file and not _isdir(ann_file, backend_args):
        if not fileio.isfile(ann_file, backend_args=backend_args):
            raise DatasetNotFoundError(
                f'{name}: split file {ann_file!r} does not exist: fix '
                "ann_file, or set ann_file='' to use every image under "
                f'{img_dir}.')
        names = mmengine.list_from_file(ann_file, backend_args=backend_args)
        if not any(line.strip() for line in names):
            raise DatasetNotFoundError(
                f'{name}: split file {ann_file} is empty: list one image '
                "name (without suffix) per line, or set ann_file='' to use "
                f'every image under {img_dir}.')


def leaf_datasets(dataset: Any,
                  name: str = 'dataset') -> Iterator[Tuple[str, Any]]:
    """``(name, dataset)`` of every dataset inside MMEngine's wrappers and
    :class:`UDADataset` (``source`` / ``target``)."""
    if isinstance(dataset, ConcatDataset):
        for i, inner in enumerate(dataset.datasets):
            yield from leaf_datasets(inner, f'{name}.datasets.{i}')
    elif isinstance(dataset, _WRAPPERS):
        yield from leaf_datasets(dataset.dataset, f'{name}.dataset')
    elif hasattr(dataset, 'source_dataset') and hasattr(
            dataset, 'target_dataset'):
        yield from leaf_datasets(dataset.source_dataset, f'{name}.source')
        yield from leaf_datasets(dataset.target_dataset, f'{name}.target')
    else:
        yield name, dataset


def _accepts_lazy_init(dataset_type: Any) -> bool:
    cls = DATASETS.get(dataset_type) if isinstance(dataset_type,
                                                   str) else dataset_type
    return isinstance(cls, type) and (issubclass(cls, BaseDataset) or any(
        issubclass(cls, wrapper) for wrapper in _WRAPPERS) or cls.__name__
                                      == 'UDADataset')


def lazy_dataset_cfg(cfg: dict) -> dict:
    """A copy of a dataset config with ``lazy_init=True`` at every level
    (wrappers and what they wrap) whose type accepts it."""
    cfg = copy.deepcopy(cfg)

    def visit(node: Any) -> None:
        if not isinstance(node, dict):
            return
        if 'type' in node and _accepts_lazy_init(node['type']):
            node['lazy_init'] = True
        for key in ('dataset', 'source', 'target'):
            visit(node.get(key))
        for inner in node.get('datasets') or []:
            visit(inner)

    visit(cfg)
    return cfg


def build_checked_dataset(cfg: Any, name: str = 'dataset') -> Any:
    """Build a dataset config lazily and check every dataset inside it.

    Args:
        cfg (dict | Dataset): A dataset config (an instance is returned
            unchanged after the check).
        name (str): Its name in messages. Defaults to 'dataset'.

    Returns:
        The dataset, not yet fully initialised unless it was an instance:
        call ``full_init()`` (or index it) to list the samples.
    """
    dataset = (
        DATASETS.build(lazy_dataset_cfg(cfg))
        if isinstance(cfg, dict) else cfg)
    for leaf_name, leaf in leaf_datasets(dataset, name):
        if not getattr(leaf, '_fully_initialized', False):
            check_dataset_files(leaf, leaf_name)
    return dataset


def check_config_datasets(cfg: Any) -> List[str]:
    """Check the datasets of a config's dataloaders before training.

    Every dataset is built lazily (no file is listed) and checked with
    :func:`check_dataset_files`, so that an empty or missing folder or an
    empty split file stops the run at once with the path and the fix,
    instead of inside the runner.

    Args:
        cfg (Config): The config (``default_scope`` must be set, e.g. by
            ``init_default_scope``).

    Returns:
        list[str]: The names of the checked dataloaders.
    """
    checked = []
    for loader in DATALOADERS:
        loader_cfg = cfg.get(loader, None)
        dataset_cfg = loader_cfg.get('dataset') if loader_cfg else None
        if isinstance(dataset_cfg, dict):
            build_checked_dataset(dataset_cfg, f'{loader}.dataset')
            checked.append(loader)
    return checked
