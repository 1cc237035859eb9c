import numpy as np
import pytest

from mmseg_uda.datasets.label_ids import (CITYSCAPES_ID_TO_CROSSCITY,
                                          CITYSCAPES_ID_TO_TRAINID,
                                          CROSSCITY_CLASSES, LABEL_MAPPINGS,
                                          SUBSET_13, SUBSET_16,
                                          SYNTHIA_ID_TO_TRAINID, map_label_ids,
                                          unknown_label_ids)


def test_mapping_tables_are_consistent():
    # every one of the 19 trainIds comes from exactly one labelId
    assert sorted(CITYSCAPES_ID_TO_TRAINID.values()) == list(range(19))
    # SYNTHIA covers exactly the 16-class subset, once each
    assert sorted(SYNTHIA_ID_TO_TRAINID.values()) == SUBSET_16
    assert set(SUBSET_16) - set(SUBSET_13) == {3, 4, 5}  # wall, fence, pole


def test_crosscity_classes_and_mapping():
    assert CROSSCITY_CLASSES == ('road', 'sidewalk', 'building',
                                 'traffic light', 'traffic sign', 'vegetation',
                                 'sky', 'person', 'rider', 'car', 'bus',
                                 'motorcycle', 'bicycle')
    assert sorted(CITYSCAPES_ID_TO_CROSSCITY.values()) == list(range(13))
    # car (labelId 26), bicycle (33); wall (12) and pole (17) are dropped
    assert CITYSCAPES_ID_TO_CROSSCITY[26] == CROSSCITY_CLASSES.index('car')
    assert CITYSCAPES_ID_TO_CROSSCITY[33] == 12
    assert 12 not in CITYSCAPES_ID_TO_CROSSCITY
    assert 17 not in CITYSCAPES_ID_TO_CROSSCITY
    assert LABEL_MAPPINGS['crosscity'] is CITYSCAPES_ID_TO_CROSSCITY


def test_map_label_ids_uint8_and_named():
    label = np.array([[7, 8, 26], [0, 34, 255]], dtype=np.uint8)
    out = map_label_ids(label, 'cityscapes')
    assert out.dtype == np.uint8 and out.shape == label.shape
    assert out.tolist() == [[0, 1, 13], [255, 255, 255]]
    assert map_label_ids(label, 'crosscity').tolist() == [[0, 1, 9],
                                                          [255, 255, 255]]


def test_map_label_ids_uint16_does_not_wrap():
    # 263 = 256 + 7 would become road if the ids were cast to uint8 first
    label = np.array([[3, 263, 21, 65535]], dtype=np.uint16)
    assert map_label_ids(label, 'synthia').tolist() == [[0, 255, 3, 255]]


def test_map_label_ids_other_integer_types_and_dict():
    label = np.array([[-1, 5, 70000, 6]], dtype=np.int64)
    assert map_label_ids(label, {5: 1, 6: 2}).tolist() == [[255, 1, 255, 2]]


def test_map_label_ids_bad_input():
    with pytest.raises(ValueError, match='Unknown label mapping'):
        map_label_ids(np.zeros((2, 2), np.uint8), 'gta')
    with pytest.raises(ValueError, match='Bad label mapping entry'):
        map_label_ids(np.zeros((2, 2), np.uint8), {1: 300})
    with pytest.raises(TypeError, match='integers'):
        map_label_ids(np.zeros((2, 2), np.float32), 'cityscapes')


def test_unknown_label_ids_accepts_void_ids_of_named_mappings():
    label = np.array([[0, 7, 34, 250]], dtype=np.uint8)
    # 0 is Cityscapes' void "unlabeled": valid, only ignored
    assert unknown_label_ids(label, 'cityscapes').tolist() == [34, 250]
    assert unknown_label_ids(label, {0: 255, 7: 0}).tolist() == [34, 250]
