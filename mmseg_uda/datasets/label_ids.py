"""Label-id conventions of the UDA benchmarks and a fast id mapping."""
from functools import lru_cache
from typing import Dict, Union

import numpy as np
from mmseg.datasets import CityscapesDataset

# yapf: disable
#: Cityscapes (and GTA5) labelIds -> the 19 Cityscapes trainIds.
CITYSCAPES_ID_TO_TRAINID: Dict[int, int] = {
    7: 0, 8: 1, 11: 2, 12: 3, 13: 4, 17: 5, 19: 6, 20: 7, 21: 8, 22: 9,
    23: 10, 24: 11, 25: 12, 26: 13, 27: 14, 28: 15, 31: 16, 32: 17, 33: 18
}

#: SYNTHIA-RAND-CITYSCAPES class ids -> the 19 Cityscapes trainIds (terrain,
#: truck and train do not occur in SYNTHIA).
SYNTHIA_ID_TO_TRAINID: Dict[int, int] = {
    3: 0, 4: 1, 2: 2, 21: 3, 5: 4, 7: 5, 15: 6, 9: 7, 6: 8, 1: 10, 10: 11,
    17: 12, 8: 13, 19: 15, 12: 17, 11: 18
}
# yapf: enable

#: The 16 trainIds SYNTHIA shares with Cityscapes (mIoU16).
SUBSET_16 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 15, 17, 18]

#: The 13 trainIds of mIoU* and of Cross-City (SUBSET_16 without wall, fence
#: and pole).
SUBSET_13 = [0, 1, 2, 6, 7, 8, 10, 11, 12, 13, 15, 17, 18]

#: The 13 Cross-City (NTHU) class names, in the order of ``SUBSET_13``.
CROSSCITY_CLASSES = tuple(CityscapesDataset.METAINFO['classes'][i]
                          for i in SUBSET_13)

#: Cityscapes labelIds -> the 13 contiguous Cross-City ids.
CITYSCAPES_ID_TO_CROSSCITY: Dict[int, int] = {
    label_id: SUBSET_13.index(train_id)
    for label_id, train_id in CITYSCAPES_ID_TO_TRAINID.items()
    if train_id in SUBSET_13
}

#: Named mappings accepted wherever a ``label_mapping`` is configured.
LABEL_MAPPINGS: Dict[str, Dict[int, int]] = {
    'cityscapes': CITYSCAPES_ID_TO_TRAINID,
    'synthia': SYNTHIA_ID_TO_TRAINID,
    'crosscity': CITYSCAPES_ID_TO_CROSSCITY,
}

#: Every id the raw labels of a named mapping may hold, void ids included
#: (Cityscapes labelIds 0-33, SYNTHIA class ids 0-22). ``strict`` checks
#: only flag ids outside these; for a dict mapping, list ignored-but-valid
#: ids explicitly as ``id: 255``.
VALID_LABEL_IDS: Dict[str, range] = {
    'cityscapes': range(34),
    'synthia': range(23),
    'crosscity': range(34),
}

# uint16 covers every id a PNG label map can hold.
_NUM_IDS = 1 << 16


def get_label_mapping(mapping: Union[str, Dict[int, int]]) -> Dict[int, int]:
    """Resolve a mapping name from ``LABEL_MAPPINGS`` or check a dict.

    Args:
        mapping (str | dict): A key of ``LABEL_MAPPINGS`` or a dict from
            source ids (0-65535) to target ids (0-255).

    Returns:
        dict: The mapping.
    """
    if isinstance(mapping, str):
        if mapping not in LABEL_MAPPINGS:
            raise ValueError(f'Unknown label mapping {mapping!r}: use one of '
                             f'{sorted(LABEL_MAPPINGS)} or a dict of ids.')
        return LABEL_MAPPINGS[mapping]
    if not isinstance(mapping, dict):
        raise TypeError('label mapping must be a name or a dict, got '
                        f'{type(mapping).__name__}.')
    for src, dst in mapping.items():
        if not 0 <= int(src) < _NUM_IDS or not 0 <= int(dst) <= 255:
            raise ValueError(f'Bad label mapping entry {src}: {dst}: source '
                             f'ids must be in [0, {_NUM_IDS}) and target ids '
                             'in [0, 255].')
    return mapping


def _build_lut(mapping: Dict[int, int]) -> np.ndarray:
    lut = np.full(_NUM_IDS, 255, dtype=np.uint8)
    lut[np.fromiter(mapping.keys(), dtype=np.int64)] = np.fromiter(
        mapping.values(), dtype=np.int64)
    return lut


@lru_cache(maxsize=None)
def _named_lut(name: str) -> np.ndarray:
    """Lookup tables of the named mappings, built once per process."""
    return _build_lut(LABEL_MAPPINGS[name])


def map_label_ids(label: np.ndarray,
                  mapping: Union[str, Dict[int, int]]) -> np.ndarray:
    """Map the ids of a label map with a lookup table.

    Args:
        label (np.ndarray): Integer label map (uint8, uint16 or any integer
            type).
        mapping (str | dict): A key of ``LABEL_MAPPINGS`` or a dict from
            source ids to target ids.

    Returns:
        np.ndarray: uint8 map of the same shape; every id that is not a key
        of the mapping becomes 255 (ignore).
    """
    if isinstance(mapping, str):
        get_label_mapping(mapping)  # a clear error for unknown names
        lut = _named_lut(mapping)
    else:
        lut = _build_lut(get_label_mapping(mapping))
    label = np.asarray(label)
    if label.dtype in (np.uint8, np.uint16):
        return lut[label]
    if not np.issubdtype(label.dtype, np.integer):
        raise TypeError(f'label ids must be integers, got {label.dtype}.')
    out = np.full(label.shape, 255, dtype=np.uint8)
    inside = (label >= 0) & (label < _NUM_IDS)
    out[inside] = lut[label[inside]]
    return out


def unknown_label_ids(label: np.ndarray,
                      mapping: Union[str, Dict[int, int]]) -> np.ndarray:
    """Return the sorted ids of ``label`` that are not valid for a mapping.

    Valid ids are the mapping's keys plus, for a named mapping, the void ids
    of ``VALID_LABEL_IDS`` (which map to 255 without being errors).

    Args:
        label (np.ndarray): Integer label map.
        mapping (str | dict): A key of ``LABEL_MAPPINGS`` or a dict of ids.

    Returns:
        np.ndarray: The unknown ids (empty when every id is valid).
    """
    known = list(get_label_mapping(mapping))
    if isinstance(mapping, str):
        known += list(VALID_LABEL_IDS[mapping])
    return np.setdiff1d(np.unique(label), np.asarray(known, dtype=np.int64))


def _known_lut(mapping: Union[str, Dict[int, int]]) -> np.ndarray:
    known = np.zeros(_NUM_IDS, dtype=bool)
    ids = get_label_mapping(mapping).keys()
    known[np.fromiter(ids, dtype=np.int64)] = True
    if isinstance(mapping, str):
        known[np.asarray(VALID_LABEL_IDS[mapping], dtype=np.int64)] = True
    return known


_named_known_lut = lru_cache(maxsize=None)(_known_lut)


def unknown_label_counts(
        label: np.ndarray,
        mapping: Union[str, Dict[int, int]]) -> Dict[int, int]:
    """Pixel counts of the ids of ``label`` that are not valid for a mapping.

    The same ids as :func:`unknown_label_ids`, found with a lookup table
    (fast enough to run on every training label).

    Args:
        label (np.ndarray): Integer label map.
        mapping (str | dict): A key of ``LABEL_MAPPINGS`` or a dict of ids.

    Returns:
        dict[int, int]: ``{id: pixels}``, empty when every id is valid.
    """
    label = np.asarray(label)
    if label.dtype not in (np.uint8, np.uint16):
        ids = unknown_label_ids(label, mapping)
        return {int(i): int((label == i).sum()) for i in ids.tolist()}
    known = (
        _named_known_lut(mapping)
        if isinstance(mapping, str) else _known_lut(mapping))
    bad = ~known[label]
    if not bad.any():
        return {}
    ids, counts = np.unique(label[bad], return_counts=True)
    return dict(zip(ids.tolist(), counts.tolist()))
