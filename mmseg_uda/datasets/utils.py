"""File listing, pairing and label decoding shared by the UDA datasets.

Every check raises with the offending path and how to fix it, so a wrong
``data_root`` or a partial download fails when the dataset is built, not in
a worker process halfway through the first epoch.
"""
import logging
import os.path as osp
from functools import partial
from typing import Dict, List, Optional, Sequence, Tuple, Union

import mmcv
import mmengine
import mmengine.fileio as fileio
import numpy as np
from mmengine.logging import print_log
from mmengine.utils import scandir, track_parallel_progress, track_progress

from .label_ids import map_label_ids

# How many offending names an error message lists.
_NUM_EXAMPLES = 5
_PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
_PNG_PALETTE = 3  # the IHDR colour type of an indexed-colour PNG


def _examples(names: Sequence[str]) -> str:
    shown = ', '.join(names[:_NUM_EXAMPLES])
    more = len(names) - _NUM_EXAMPLES
    return shown + (f' (and {more} more)' if more > 0 else '')


def _with_hint(message: str, prepare_hint: str) -> str:
    return f'{message}: {prepare_hint}' if prepare_hint else message


def scan_seg_pairs(
        img_dir: str,
        img_suffix: str,
        seg_map_dir: Optional[str] = None,
        seg_map_suffix: str = '.png',
        ann_file: str = '',
        dataset_name: str = 'Dataset',
        prepare_hint: str = '',
        skip_unpaired: bool = False,
        backend_args: Optional[dict] = None
) -> List[Tuple[str, Optional[str]]]:
    """List image / label pairs and check that they exist.

    An image ``<img_dir>/<stem><img_suffix>`` pairs with the label
    ``<seg_map_dir>/<stem><seg_map_suffix>``; stems are relative paths, so
    nested layouts (Cityscapes' city folders) work too.

    Args:
        img_dir (str): Folder of the images (searched recursively).
        img_suffix (str): Suffix of the image files, e.g. ``'.png'``.
        seg_map_dir (str, optional): Folder of the labels. None for
            unlabeled data: no labels are looked for. Defaults to None.
        seg_map_suffix (str): Suffix of the label files. Defaults to
            ``'.png'``.
        ann_file (str): A split file listing one stem per line; empty to use
            every image under ``img_dir``. Defaults to ''.
        dataset_name (str): Name used in messages. Defaults to 'Dataset'.
        prepare_hint (str): How to obtain the data, appended to the "not
            found" errors. Defaults to ''.
        skip_unpaired (bool): Drop images without a label (and log how many)
            instead of raising. Defaults to False.
        backend_args (dict, optional): mmengine file backend arguments.
            Defaults to None.

    Returns:
        list[tuple[str, str | None]]: ``(img_path, seg_map_path)`` sorted by
        image path; ``seg_map_path`` is None when ``seg_map_dir`` is None.
    """
    if not img_dir or not fileio.isdir(img_dir, backend_args=backend_args):
        raise FileNotFoundError(
            _with_hint(f'{dataset_name} images not found at {img_dir!r}',
                       prepare_hint))
    found = [
        name[:-len(img_suffix)] for name in fileio.list_dir_or_file(
            img_dir,
            list_dir=False,
            suffix=img_suffix,
            recursive=True,
            backend_args=backend_args)
    ]
    if not found:
        others = list(
            fileio.list_dir_or_file(
                img_dir,
                list_dir=False,
                recursive=True,
                backend_args=backend_args))
        extensions = sorted({osp.splitext(name)[1] for name in others})
        raise FileNotFoundError(
            f'No {dataset_name} images ending in {img_suffix!r} under '
            f'{img_dir} ({len(others)} other files, extensions '
            f'{extensions}): set img_suffix to the suffix of your images or '
            'point data_root / data_prefix.img_path at the image folder.')
    if ann_file:
        if not fileio.isfile(ann_file, backend_args=backend_args):
            raise FileNotFoundError(
                f'{dataset_name} split file {ann_file} not found: fix '
                f"ann_file, or set ann_file='' to use every image under "
                f'{img_dir}.')
        stems = [
            line.strip() for line in mmengine.list_from_file(
                ann_file, backend_args=backend_args) if line.strip()
        ]
        if not stems:
            raise FileNotFoundError(
                f'{dataset_name} split file {ann_file} is empty: list one '
                "image name (without suffix) per line, or set ann_file='' "
                f'to use every image under {img_dir}.')
        missing = sorted(set(stems) - set(found))
        if missing:
            raise FileNotFoundError(
                f'{len(missing)} {dataset_name} images listed in {ann_file} '
                f'do not exist as <name>{img_suffix} under {img_dir}: '
                f'{_examples(missing)}. Fix the split file or restore the '
                'images.')
    else:
        stems = found
    stems = sorted(stems)

    if seg_map_dir is None:
        return [(osp.join(img_dir, stem + img_suffix), None) for stem in stems]
    if not fileio.isdir(seg_map_dir, backend_args=backend_args):
        raise FileNotFoundError(
            _with_hint(
                f'{dataset_name} labels not found at {seg_map_dir!r} (for '
                'unlabeled data leave seg_map_path out of data_prefix)',
                prepare_hint))
    labels = set(
        fileio.list_dir_or_file(
            seg_map_dir,
            list_dir=False,
            suffix=seg_map_suffix,
            recursive=True,
            backend_args=backend_args))
    unpaired = [s for s in stems if s + seg_map_suffix not in labels]
    if unpaired and len(unpaired) == len(stems):
        raise FileNotFoundError(
            f'None of the {len(stems)} {dataset_name} images under {img_dir} '
            f'has a label <name>{seg_map_suffix} in {seg_map_dir}: check '
            'seg_map_suffix and data_prefix.seg_map_path (for '
            '*_labelTrainIds.png, run the dataset converter first).')
    if unpaired and not skip_unpaired:
        raise FileNotFoundError(
            f'{len(unpaired)} of {len(stems)} {dataset_name} images under '
            f'{img_dir} have no label <name>{seg_map_suffix} in '
            f'{seg_map_dir}: {_examples(unpaired)}. Restore the missing '
            'labels, or set skip_unpaired=True in the dataset config to '
            'drop these images.')
    if unpaired:
        print_log(
            f'{dataset_name}: dropped {len(unpaired)} of {len(stems)} images '
            f'under {img_dir} that have no label in {seg_map_dir} '
            f'(skip_unpaired=True): {_examples(unpaired)}',
            logger='current',
            level=logging.WARNING)
        dropped = set(unpaired)
        stems = [s for s in stems if s not in dropped]
    return [(osp.join(img_dir, stem + img_suffix),
             osp.join(seg_map_dir, stem + seg_map_suffix)) for stem in stems]


def load_seg_data_list(dataset,
                       dataset_name: str,
                       prepare_hint: str = '',
                       skip_unpaired: bool = False) -> List[dict]:
    """``load_data_list`` of a ``BaseSegDataset``, with checked inputs.

    Reads the folders, suffixes and split file from the dataset's attributes
    (so it also fits stock mmseg datasets) and builds the same data infos as
    ``BaseSegDataset.load_data_list``. Labels are only looked for when
    ``data_prefix`` has a ``seg_map_path``.

    Args:
        dataset (BaseSegDataset): The dataset being initialised.
        dataset_name (str): Name used in messages, e.g. 'GTA5'.
        prepare_hint (str): How to obtain the data, appended to the "not
            found" errors. Defaults to ''.
        skip_unpaired (bool): Drop images without a label instead of
            raising. Defaults to False.

    Returns:
        list[dict]: The data infos.
    """
    if dataset.data_root and not fileio.isdir(
            dataset.data_root, backend_args=dataset.backend_args):
        raise FileNotFoundError(
            _with_hint(
                f'{dataset_name} data root not found at '
                f'{dataset.data_root!r}', prepare_hint))
    ann_file = dataset.ann_file
    if ann_file and fileio.isdir(ann_file, backend_args=dataset.backend_args):
        ann_file = ''  # mmseg's convention: a folder means "no split file"
    pairs = scan_seg_pairs(
        img_dir=dataset.data_prefix.get('img_path', ''),
        img_suffix=dataset.img_suffix,
        seg_map_dir=dataset.data_prefix.get('seg_map_path', None),
        seg_map_suffix=dataset.seg_map_suffix,
        ann_file=ann_file,
        dataset_name=dataset_name,
        prepare_hint=prepare_hint,
        skip_unpaired=skip_unpaired,
        backend_args=dataset.backend_args)
    data_list = []
    for img_path, seg_map_path in pairs:
        data_info = dict(img_path=img_path)
        if seg_map_path is not None:
            data_info['seg_map_path'] = seg_map_path
        data_info['label_map'] = dataset.label_map
        data_info['reduce_zero_label'] = dataset.reduce_zero_label
        data_info['seg_fields'] = []
        data_list.append(data_info)
    return data_list


def _is_palette_png(content: bytes) -> bool:
    # IHDR follows the 8-byte signature; its colour type is byte 25.
    return (content[:8] == _PNG_SIGNATURE and len(content) > 25
            and content[25] == _PNG_PALETTE)


def decode_label(content: bytes,
                 path: str,
                 channel: Optional[int] = None,
                 imdecode_backend: Optional[str] = None) -> np.ndarray:
    """Decode a label map without changing its ids.

    By default indexed-colour PNGs (GTA5 labels) are read with Pillow, which
    returns the palette indices, and everything else with OpenCV
    ``IMREAD_UNCHANGED``, which keeps 16-bit ids (SYNTHIA) intact.

    Args:
        content (bytes): The encoded file.
        path (str): The file's path, for messages.
        channel (int, optional): The channel holding the class ids of a
            multi-channel label, in the decoder's order (OpenCV: BGR, so the
            first PNG channel of SYNTHIA's labels is ``2``). Must be None for
            single-channel labels. Defaults to None.
        imdecode_backend (str, optional): Force an mmcv decoding backend
            instead of the choice above. Defaults to None.

    Returns:
        np.ndarray: The (H, W) integer label map.
    """
    if imdecode_backend is None:
        imdecode_backend = 'pillow' if _is_palette_png(content) else 'cv2'
    damaged = (f'Cannot decode the label map {path}: the file is damaged '
               'or not an image; re-extract it.')
    try:
        label = mmcv.imfrombytes(
            content, flag='unchanged', backend=imdecode_backend)
    except Exception as error:  # Pillow raises on truncated files
        raise ValueError(f'{damaged} ({error})') from error
    if label is None:
        raise ValueError(damaged)
    if label.ndim == 3:
        if channel is None or not -label.shape[2] <= channel < label.shape[2]:
            raise ValueError(
                f'Label map {path} has {label.shape[2]} channels but '
                f'channel={channel}: set channel to the index holding the '
                'class ids (channel=2 for SYNTHIA GT/LABELS, whose first PNG '
                "channel is the last one in OpenCV's BGR order).")
        label = label[..., channel]
    elif channel is not None:
        raise ValueError(
            f'Label map {path} has a single channel but channel={channel}: '
            'set channel=None (converted *_labelTrainIds.png maps are '
            'single-channel and already hold train ids, so also set '
            'label_mapping=None).')
    return label


def find_label_files(label_dir: str,
                     suffix: str,
                     exclude_suffix: str,
                     dataset_name: str,
                     prepare_hint: str = '') -> List[str]:
    """Find the label files a converter should convert.

    Args:
        label_dir (str): Folder searched recursively.
        suffix (str): Suffix of the input labels, e.g. ``'.png'``.
        exclude_suffix (str): Suffix of earlier outputs to leave out, e.g.
            ``'_labelTrainIds.png'``.
        dataset_name (str): Name used in messages.
        prepare_hint (str): How to obtain the data. Defaults to ''.

    Returns:
        list[str]: Sorted paths of the label files.
    """
    if not osp.isdir(label_dir):
        raise FileNotFoundError(
            _with_hint(f'{dataset_name} labels not found at {label_dir!r}',
                       prepare_hint))
    files = sorted(
        osp.join(label_dir, name)
        for name in scandir(label_dir, suffix=suffix, recursive=True)
        if not name.endswith(exclude_suffix))
    if not files:
        raise FileNotFoundError(
            f'No {dataset_name} label files ending in {suffix!r} under '
            f'{label_dir}: check the path and that the download is '
            'extracted.')
    return files


def _convert_one(task: Tuple[str, str], mapping: Union[str, Dict[int, int]],
                 channel: Optional[int]) -> None:
    src, dst = task
    with open(src, 'rb') as f:
        label = decode_label(f.read(), src, channel)
    mmcv.imwrite(map_label_ids(label, mapping), dst)


def convert_label_files(label_files: Sequence[str],
                        in_suffix: str,
                        out_suffix: str,
                        mapping: Union[str, Dict[int, int]],
                        channel: Optional[int] = None,
                        nproc: int = 1) -> List[str]:
    """Write ``<stem><out_suffix>`` (uint8 train ids) next to every label.

    Decodes exactly like :class:`LoadUDAAnnotations` and maps with the same
    :func:`map_label_ids`, so converted maps equal on-the-fly ones.

    Args:
        label_files (Sequence[str]): Paths ending in ``in_suffix``.
        in_suffix (str): Suffix replaced in the output name.
        out_suffix (str): Suffix of the written files.
        mapping (str | dict): Label mapping (see :func:`map_label_ids`).
        channel (int, optional): Class-id channel of multi-channel labels,
            see :func:`decode_label`. Defaults to None.
        nproc (int): Worker processes. Defaults to 1.

    Returns:
        list[str]: The written paths.
    """
    tasks = []
    for src in label_files:
        if not src.endswith(in_suffix):
            raise ValueError(f'{src} does not end in {in_suffix!r}.')
        tasks.append((src, src[:-len(in_suffix)] + out_suffix))
    func = partial(_convert_one, mapping=mapping, channel=channel)
    if nproc > 1:
        track_parallel_progress(func, tasks, nproc)
    else:
        track_progress(func, tasks)
    return [dst for _, dst in tasks]
