import os
import os.path as osp

import pytest
from mmengine.logging import MMLogger
from mmseg.datasets import CityscapesDataset
from mmseg.registry import DATASETS
from uda_fixtures import column_values, make_gta5, write_image

PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='PackSegInputs')
]


def build(data_root, **kwargs):
    return DATASETS.build(
        dict(type='GTA5Dataset', data_root=str(data_root), **kwargs))


def image_names(dataset):
    return [
        osp.basename(dataset.get_data_info(i)['img_path'])
        for i in range(len(dataset))
    ]


def test_gta5_loads_and_maps_labels(tmp_path):
    dataset = build(make_gta5(str(tmp_path / 'gta5')), pipeline=PIPELINE)
    assert len(dataset) == 3
    assert dataset.metainfo['classes'] == CityscapesDataset.METAINFO['classes']
    gt0 = dataset[0]['data_samples'].gt_sem_seg.data[0]
    # labelIds 7, 8, 11, 26, 23, 0 (void), 34 (invalid), 33
    assert column_values(gt0) == [0, 1, 2, 13, 10, 255, 255, 18]
    # image 1's stripes are shifted by one block: pairs are not mixed up
    gt1 = dataset[1]['data_samples'].gt_sem_seg.data[0]
    assert column_values(gt1) == [18, 0, 1, 2, 13, 10, 255, 255]
    assert dataset[1]['data_samples'].img_path.endswith('00001.png')


def test_gta5_without_labels_folder_is_unlabeled(tmp_path):
    root = tmp_path / 'gta5'
    write_image(str(root / 'images' / 'a.png'))
    dataset = build(
        root,
        data_prefix=dict(img_path='images'),
        pipeline=[dict(type='LoadImageFromFile'),
                  dict(type='PackSegInputs')])
    assert len(dataset) == 1
    assert 'seg_map_path' not in dataset.get_data_info(0)
    assert 'gt_sem_seg' not in dataset[0]['data_samples']


def test_gta5_split_file(tmp_path):
    root = make_gta5(str(tmp_path / 'gta5'))
    with open(osp.join(root, 'val.txt'), 'w') as f:
        f.write('00002\n00000\n')
    dataset = build(root, ann_file='val.txt')
    assert image_names(dataset) == ['00000.png', '00002.png']
    with open(osp.join(root, 'bad.txt'), 'w') as f:
        f.write('00000\n00007\n')
    with pytest.raises(FileNotFoundError, match='00007'):
        build(root, ann_file='bad.txt')
    with pytest.raises(FileNotFoundError, match='split file .*nope.txt'):
        build(root, ann_file='nope.txt')


def test_gta5_missing_data_root(tmp_path):
    missing = str(tmp_path / 'nowhere')
    with pytest.raises(
            FileNotFoundError,
            match=f"data root not found at '{missing}'.*download GTA5 from "
            'https://download.visinf.tu-darmstadt.de/data/from_games/'):
        build(missing)


def test_gta5_missing_images_folder(tmp_path):
    root = tmp_path / 'gta5'
    os.makedirs(root / 'labels')
    with pytest.raises(
            FileNotFoundError,
            match=f"GTA5 images not found at '{root / 'images'}'.*"
            "extract images/ and labels/ under data/gta5"):
        build(root)


def test_gta5_missing_labels_folder(tmp_path):
    root = tmp_path / 'gta5'
    write_image(str(root / 'images' / 'a.png'))
    with pytest.raises(
            FileNotFoundError,
            match=f"GTA5 labels not found at '{root / 'labels'}'"):
        build(root)


def test_gta5_no_images_with_suffix(tmp_path):
    root = tmp_path / 'gta5'
    write_image(str(root / 'images' / 'a.jpg'))
    os.makedirs(root / 'labels')
    with pytest.raises(
            FileNotFoundError,
            match=rf"ending in '\.png' under {root / 'images'}.*'\.jpg'"):
        build(root)


def test_gta5_unpaired_images_raise_or_are_skipped(tmp_path):
    root = make_gta5(str(tmp_path / 'gta5'), num=4, without_label=(1, 3))
    with pytest.raises(
            FileNotFoundError,
            match=r'2 of 4 GTA5 images .* 00001, 00003.*skip_unpaired=True'):
        build(root)

    log_file = tmp_path / 'log.txt'
    MMLogger.get_instance('test_gta5_skip_unpaired', log_file=str(log_file))
    dataset = build(root, skip_unpaired=True)
    assert image_names(dataset) == ['00000.png', '00002.png']
    assert 'dropped 2 of 4 images' in log_file.read_text()


def test_gta5_wrong_label_suffix(tmp_path):
    root = make_gta5(str(tmp_path / 'gta5'))
    # converted labels requested before running the converter
    with pytest.raises(
            FileNotFoundError,
            match=r'None of the 3 GTA5 images .*_labelTrainIds\.png.*'
            'converter'):
        build(root, seg_map_suffix='_labelTrainIds.png', skip_unpaired=True)
