"""The datasets' skip_unreadable option and the shared file checks."""
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.logging import MMLogger
from mmseg.registry import DATASETS
from uda_fixtures import (GTA5_IDS, id_map, make_cityscapes, make_gta5,
                          write_gray_label)

from mmseg_uda.datasets import UDADataset
from mmseg_uda.datasets.file_checks import file_problem
from mmseg_uda.datasets.skip_unreadable import UnreadableFileError

PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='PackSegInputs')
]


def truncate(path: str) -> None:
    with open(path, 'rb') as f:
        content = f.read()
    with open(path, 'wb') as f:
        f.write(content[:len(content) // 2])


def gta5(root: str, **kwargs):
    return DATASETS.build(
        dict(type='GTA5Dataset', data_root=root, pipeline=PIPELINE, **kwargs))


def log_to(tmp_path, name: str):
    log_file = tmp_path / f'{name}.log'
    MMLogger.get_instance(name, log_file=str(log_file))
    return log_file


def test_file_problem(tmp_path):
    good = str(tmp_path / 'good.png')
    cv2.imwrite(good, np.zeros((4, 4, 3), np.uint8))
    assert file_problem(good) is None
    assert file_problem(str(tmp_path / 'none.png')) == 'missing'
    (tmp_path / 'empty.png').write_bytes(b'')
    assert file_problem(str(tmp_path / 'empty.png')) == 'empty (0 bytes)'
    truncate(good)
    assert file_problem(good).startswith('cannot be decoded')
    # a JPEG missing its last bytes (OpenCV may fill in grey rows)
    jpeg = str(tmp_path / 'img.jpg')
    rng = np.random.default_rng(0)
    cv2.imwrite(jpeg, rng.integers(0, 256, (64, 64, 3), np.uint8))
    assert file_problem(jpeg) is None
    with open(jpeg, 'rb') as f:
        content = f.read()
    with open(jpeg, 'wb') as f:
        f.write(content[:-100])
    assert file_problem(jpeg) is not None


def test_gta5_skips_unreadable_samples_with_a_counted_warning(tmp_path):
    root = make_gta5(str(tmp_path / 'gta5'), num=3)
    bad = osp.join(root, 'images', '00001.png')
    truncate(bad)
    with pytest.raises(UnreadableFileError) as error:
        gta5(root)[1]  # off by default: an error naming the file and fixes
    assert f'{bad}: cannot be decoded' in str(error.value)
    assert 'tools/analysis_tools/check_dataset.py' in str(error.value)
    assert 'skip_unreadable=True' in str(error.value)

    log_file = log_to(tmp_path, 'test_gta5_skip_unreadable')
    dataset = gta5(root, skip_unreadable=True)
    for _ in range(2):
        sample = dataset[1]
        assert sample['data_samples'].img_path != bad
    log = log_file.read_text()
    assert f'GTA5Dataset: skipped a sample, {bad}: cannot be decoded' in log
    assert ' is cannot ' not in log
    assert '1 unreadable sample(s) skipped so far' in log
    assert '2 unreadable sample(s) skipped so far' in log


def test_skip_unreadable_keeps_other_errors(tmp_path):
    root = make_gta5(str(tmp_path / 'gta5'), num=2)
    # readable, but 4 pixels wider than its image: not an unreadable file
    write_gray_label(
        osp.join(root, 'labels', '00000.png'), id_map(GTA5_IDS, size=(36, 16)))
    with pytest.raises(ValueError, match='Size mismatch'):
        gta5(root, skip_unreadable=True)[0]


def test_skip_unreadable_is_off_in_test_mode(tmp_path):
    root = make_gta5(str(tmp_path / 'gta5'), num=2)
    truncate(osp.join(root, 'labels', '00000.png'))
    dataset = gta5(root, skip_unreadable=True, test_mode=True)
    with pytest.raises(UnreadableFileError, match='Cannot decode the label'):
        dataset[0]


def test_uda_dataset_skips_unreadable_target_images(tmp_path):
    source = make_gta5(str(tmp_path / 'gta5'), num=4)
    target = make_cityscapes(str(tmp_path / 'cityscapes'), num=2)
    bad = osp.join(target, 'leftImg8bit', 'val', 'frankfurt',
                   'frankfurt_000000_000000_leftImg8bit.png')
    truncate(bad)
    target_cfg = dict(
        type='CityscapesDataset',
        data_root=target,
        data_prefix=dict(img_path='leftImg8bit/val'),
        pipeline=[dict(type='LoadImageFromFile'),
                  dict(type='PackSegInputs')])
    source_cfg = dict(type='GTA5Dataset', data_root=source, pipeline=PIPELINE)
    strict = UDADataset(source_cfg, target_cfg, pairing='cyclic')
    with pytest.raises(UnreadableFileError) as error:
        strict[0]
    message = str(error.value)
    assert message.startswith(f'UDADataset (target): cannot load a sample, '
                              f'{bad}: cannot be decoded')
    assert 'check_dataset.py' in message
    assert 'skip_unreadable=True' in message

    log_file = log_to(tmp_path, 'test_uda_skip_unreadable')
    dataset = UDADataset(
        source_cfg, target_cfg, pairing='cyclic', skip_unreadable=True)
    for idx in range(4):
        pair = dataset[idx]
        assert pair['target']['data_samples'].img_path != bad
    log = log_file.read_text()
    assert f'UDADataset (target): skipped a sample, {bad}: ' in log
    assert '2 unreadable sample(s) skipped so far' in log  # idx 0 and 2
