"""Empty or missing folders and split files are named before MMEngine lists
the samples, and unknown label ids are reported once."""
import os
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.logging import MMLogger
from uda_fixtures import (GTA5_IDS, id_map, make_cityscapes, make_gta5,
                          write_gray_label)

from mmseg_uda.datasets import UDADataset
from mmseg_uda.datasets.dataset_checks import (DatasetNotFoundError,
                                               build_checked_dataset,
                                               check_config_datasets)
from mmseg_uda.datasets.label_ids import (unknown_label_counts,
                                          unknown_label_ids)
from mmseg_uda.datasets.transforms import LoadUDAAnnotations

PIPELINE = [dict(type='LoadImageFromFile'), dict(type='PackSegInputs')]


def cityscapes_cfg(root: str, **kwargs) -> dict:
    cfg = dict(
        type='CityscapesDataset',
        data_root=root,
        data_prefix=dict(img_path='leftImg8bit/val'),
        pipeline=PIPELINE)
    cfg.update(kwargs)
    return cfg


def gta5_cfg(root: str, **kwargs) -> dict:
    return dict(type='GTA5Dataset', data_root=root, pipeline=PIPELINE,
                **kwargs)


def test_empty_target_folder_of_a_uda_dataset(tmp_path):
    source = make_gta5(str(tmp_path / 'gta5'))
    target = str(tmp_path / 'cityscapes')
    os.makedirs(osp.join(target, 'leftImg8bit', 'val'))
    with pytest.raises(DatasetNotFoundError) as error:
        UDADataset(gta5_cfg(source), cityscapes_cfg(target))
    message = str(error.value)
    assert message.startswith('UDADataset target (CityscapesDataset): no '
                              "image ending in '_leftImg8bit.png' under "
                              f'{target}/leftImg8bit/val (the folder is '
                              'empty)')
    assert 'generate_toy_benchmark.py' in message
    assert 'data_prefix' in message


def test_folder_with_other_files_names_one(tmp_path):
    target = make_cityscapes(str(tmp_path / 'cityscapes'))
    with pytest.raises(DatasetNotFoundError, match='set img_suffix') as error:
        build_checked_dataset(cityscapes_cfg(target, img_suffix='.jpg'))
    assert 'holds other files (e.g. frankfurt' in str(error.value)


def test_missing_folders_are_named(tmp_path):
    target = make_cityscapes(str(tmp_path / 'cityscapes'))
    with pytest.raises(DatasetNotFoundError,
                       match=f"data_root '{tmp_path}/nowhere' does not"):
        build_checked_dataset(cityscapes_cfg(str(tmp_path / 'nowhere')))
    with pytest.raises(DatasetNotFoundError,
                       match=f"image folder '{target}/leftImg8bit/train'"):
        build_checked_dataset(
            cityscapes_cfg(
                target, data_prefix=dict(img_path='leftImg8bit/train')))
    # a label folder may be written later (online pseudo labels)
    build_checked_dataset(
        cityscapes_cfg(
            target,
            data_prefix=dict(
                img_path='leftImg8bit/val', seg_map_path='gtFine/later')))


def test_empty_split_files_are_named(tmp_path):
    target = make_cityscapes(str(tmp_path / 'cityscapes'))
    (tmp_path / 'cityscapes' / 'split.txt').write_text('\n  \n')
    with pytest.raises(DatasetNotFoundError) as error:
        build_checked_dataset(cityscapes_cfg(target, ann_file='split.txt'))
    assert f'split file {target}/split.txt is empty' in str(error.value)
    assert "set ann_file=''" in str(error.value)
    # the plugin's datasets say the same in their own check
    source = make_gta5(str(tmp_path / 'gta5'))
    (tmp_path / 'gta5' / 'train.txt').write_text('')
    with pytest.raises(FileNotFoundError,
                       match=f'GTA5 split file {source}/train.txt is empty'):
        UDADataset(gta5_cfg(source, ann_file='train.txt'),
                   cityscapes_cfg(target))


def test_a_good_dataset_is_built_lazily_then_loads(tmp_path):
    target = make_cityscapes(str(tmp_path / 'cityscapes'))
    dataset = build_checked_dataset(
        dict(type='RepeatDataset', times=2, dataset=cityscapes_cfg(target)))
    assert not dataset._fully_initialized
    dataset.full_init()
    assert len(dataset) == 4


def test_config_datasets_are_checked_before_training(tmp_path):
    target = make_cityscapes(str(tmp_path / 'cityscapes'))
    empty = tmp_path / 'empty'
    (empty / 'leftImg8bit' / 'val').mkdir(parents=True)
    cfg = Config(
        dict(
            train_dataloader=dict(dataset=cityscapes_cfg(target)),
            val_dataloader=dict(dataset=cityscapes_cfg(str(empty))),
            test_dataloader=None))
    with pytest.raises(DatasetNotFoundError) as error:
        check_config_datasets(cfg)
    assert str(error.value).startswith(
        'val_dataloader.dataset (CityscapesDataset): no image')
    cfg.val_dataloader.dataset.data_root = target
    assert check_config_datasets(cfg) == ['train_dataloader', 'val_dataloader']


def test_unknown_label_counts_match_unknown_label_ids():
    label = id_map(GTA5_IDS).astype(np.uint8)  # 34 is not a Cityscapes id
    counts = unknown_label_counts(label, 'cityscapes')
    assert list(counts) == unknown_label_ids(label, 'cityscapes').tolist()
    assert counts == {34: int((label == 34).sum())}
    assert unknown_label_counts(label.astype(np.int32), 'cityscapes') == counts
    assert unknown_label_counts(label, {7: 0, 8: 1, 11: 2, 26: 3, 23: 4, 0: 5,
                                        34: 6, 33: 7}) == {}


def test_unknown_ids_are_reported_once_with_counts(tmp_path):
    log_file = tmp_path / 'unknown_ids.log'
    MMLogger.get_instance('test_unknown_ids', log_file=str(log_file))
    transform = LoadUDAAnnotations(label_mapping='cityscapes')
    paths = []
    for k in range(2):
        path = str(tmp_path / f'{k}.png')
        write_gray_label(path, id_map(GTA5_IDS, k))
        paths.append(path)
    for path in paths:
        results = transform(
            dict(seg_map_path=path, ori_shape=(16, 32), img_path=path))
    # still mapped to 255, as documented
    assert (results['gt_seg_map'][id_map(GTA5_IDS, 1) == 34] == 255).all()
    log = log_file.read_text()
    assert log.count('does not list') == 1
    num = int((id_map(GTA5_IDS) == 34).sum())
    assert (f"label map {paths[0]} holds ids that label_mapping "
            f"'cityscapes' does not list (id: pixels) 34: {num}; they are "
            'mapped to 255 (ignored)') in log
    assert 'check_dataset.py' in log and 'strict=True' in log
