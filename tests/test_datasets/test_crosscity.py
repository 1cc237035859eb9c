import os.path as osp

import pytest
from mmseg.datasets import CityscapesDataset
from mmseg.registry import DATASETS
from uda_fixtures import column_values, make_crosscity

from mmseg_uda.datasets import CROSSCITY_CLASSES


def build(root, **kwargs):
    return DATASETS.build(
        dict(type='CrossCityDataset', data_root=str(root), **kwargs))


def test_crosscity_test_split_is_labeled(tmp_path):
    root = make_crosscity(str(tmp_path / 'crosscity'), city='Tokyo')
    dataset = build(
        root,
        city='Tokyo',
        split='test',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadUDAAnnotations', label_mapping='crosscity'),
            dict(type='PackSegInputs')
        ])
    assert len(dataset) == 2
    assert dataset.get_data_info(0)['seg_map_path'] == osp.join(
        root, 'Tokyo', 'Labels', 'Test', 'pic_000_eval.png')
    gt = dataset[0]['data_samples'].gt_sem_seg.data[0]
    # labelIds road, sidewalk, building, wall (not in the 13), car, sky,
    # void, bicycle -> the contiguous 13-class ids
    assert column_values(gt) == [0, 1, 2, 255, 9, 6, 255, 12]


def test_crosscity_metainfo():
    dataset = DATASETS.build(
        dict(type='CrossCityDataset', data_root='unused', lazy_init=True))
    assert dataset.metainfo['classes'] == CROSSCITY_CLASSES
    cs = CityscapesDataset.METAINFO
    for name, colour in zip(dataset.metainfo['classes'],
                            dataset.metainfo['palette']):
        assert colour == cs['palette'][cs['classes'].index(name)]


def test_crosscity_train_split_is_unlabeled(tmp_path):
    root = make_crosscity(str(tmp_path / 'crosscity'), city='Rio')
    dataset = build(root, city='Rio', split='train')
    assert len(dataset) == 3
    assert all('seg_map_path' not in dataset.get_data_info(i)
               for i in range(len(dataset)))
    assert dataset.data_prefix['img_path'] == osp.join(root, 'Rio', 'Images',
                                                       'Train')


def test_crosscity_data_prefix_override(tmp_path):
    root = make_crosscity(str(tmp_path / 'crosscity'))
    dataset = build(root, data_prefix=dict(img_path='Rome/Images/Test'))
    assert len(dataset) == 2
    assert 'seg_map_path' not in dataset.get_data_info(0)


def test_crosscity_bad_arguments_and_missing_city(tmp_path):
    with pytest.raises(ValueError, match="Unknown Cross-City city 'Paris'"):
        build(tmp_path, city='Paris')
    with pytest.raises(ValueError, match="got 'val'"):
        build(tmp_path, split='val')
    root = make_crosscity(str(tmp_path / 'crosscity'), city='Rome')
    with pytest.raises(
            FileNotFoundError,
            match='Cross-City Taipei images not found at .*Taipei/Images/Test'
            '.*segmentation_adaptation_dataset'):
        build(root, city='Taipei')
