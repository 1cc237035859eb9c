import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.dataset import (BaseDataset, DefaultSampler, InfiniteSampler,
                              pseudo_collate)
from mmengine.registry import init_default_scope
from mmseg.structures import SegDataSample
from torch.utils.data import DataLoader

from mmseg_uda.datasets import UDADataset

CLASSES = ('a', 'b')


class IndexDataset(BaseDataset):
    """In-memory dataset whose samples are ``dict(index=i)``."""

    def __init__(self, num: int, classes=None, **kwargs) -> None:
        self.num = num
        super().__init__(
            metainfo=None if classes is None else dict(classes=classes),
            serialize_data=False,
            **kwargs)

    def load_data_list(self) -> list:
        return [dict(index=i) for i in range(self.num)]


def _target_indices(dataset, num=None):
    num = len(dataset) if num is None else num
    return [dataset[i]['target']['index'] for i in range(num)]


def _write_pngs(root, num, labelled):
    rng = np.random.default_rng(num)
    (root / 'img').mkdir(parents=True)
    if labelled:
        (root / 'ann').mkdir()
    for i in range(num):
        img = rng.integers(0, 256, (8, 16, 3), dtype=np.uint8)
        cv2.imwrite(str(root / 'img' / f'{i}.png'), img)
        if labelled:
            label = np.zeros((8, 16), np.uint8)
            label[:, 8:] = 1
            cv2.imwrite(str(root / 'ann' / f'{i}.png'), label)


def _seg_cfg(root, labelled, classes=CLASSES, lazy_init=False):
    pipeline = [dict(type='LoadImageFromFile')]
    if labelled:
        pipeline.append(dict(type='LoadAnnotations'))
    pipeline.append(dict(type='PackSegInputs'))
    return dict(
        type='BaseSegDataset',
        data_root=str(root),
        data_prefix=dict(img_path='img', seg_map_path='ann')
        if labelled else dict(img_path='img'),
        img_suffix='.png',
        seg_map_suffix='.png',
        metainfo=None if classes is None else dict(classes=classes),
        pipeline=pipeline,
        serialize_data=False,  # skips a slow gc.collect()
        lazy_init=lazy_init)


@pytest.fixture
def seg_cfgs(tmp_path):
    """Configs of 5 labelled source and 3 unlabelled target 16x8 PNGs."""
    init_default_scope('mmseg')
    _write_pngs(tmp_path / 'src', 5, labelled=True)
    _write_pngs(tmp_path / 'tgt', 3, labelled=False)
    source_cfg = _seg_cfg(tmp_path / 'src', True)
    target_cfg = _seg_cfg(tmp_path / 'tgt', False, classes=None)
    return source_cfg, target_cfg


def _img_name(sample):
    return osp.basename(sample.img_path)


def test_samples_from_both_pipelines(seg_cfgs):
    dataset = UDADataset(*seg_cfgs, pairing='cyclic')
    assert len(dataset) == 5
    assert len(dataset.target_dataset) == 3
    item = dataset[4]
    assert set(item) == {'source', 'target'}
    src, tgt = item['source'], item['target']
    assert src['inputs'].shape == tgt['inputs'].shape == (3, 8, 16)
    assert _img_name(src['data_samples']) == '4.png'
    assert _img_name(tgt['data_samples']) == '1.png'
    assert 'tgt' in tgt['data_samples'].img_path
    label = src['data_samples'].gt_sem_seg.data
    assert label.shape == (1, 8, 16)
    assert label[0, 0, :8].eq(0).all() and label[0, 0, 8:].eq(1).all()
    assert 'gt_sem_seg' not in tgt['data_samples']
    assert dataset.metainfo['classes'] == CLASSES


def test_dataloader_collates_nested_batches(seg_cfgs):
    dataset = UDADataset(*seg_cfgs, pairing='cyclic')
    loader = DataLoader(
        dataset,
        batch_size=2,
        sampler=DefaultSampler(dataset, shuffle=False),
        collate_fn=pseudo_collate)
    batches = list(loader)
    assert len(batches) == 3
    batch = batches[1]
    assert set(batch) == {'source', 'target'}
    expected = dict(source=['2.png', '3.png'], target=['2.png', '0.png'])
    for side, names in expected.items():
        assert set(batch[side]) == {'inputs', 'data_samples'}
        inputs, samples = batch[side]['inputs'], batch[side]['data_samples']
        assert len(inputs) == len(samples) == 2
        assert all(isinstance(x, torch.Tensor) for x in inputs)
        assert all(isinstance(s, SegDataSample) for s in samples)
        assert [_img_name(s) for s in samples] == names

    loader = DataLoader(
        dataset,
        batch_size=2,
        sampler=InfiniteSampler(dataset, shuffle=False),
        collate_fn=pseudo_collate)
    batches = [batch for _, batch in zip(range(4), loader)]
    # the infinite sampler wraps around the 5 source images
    assert [_img_name(s) for s in batches[2]['source']['data_samples']
            ] == ['4.png', '0.png']


def test_cyclic_and_get_data_info():
    dataset = UDADataset(IndexDataset(7), IndexDataset(3), pairing='cyclic')
    assert len(dataset) == 7
    assert _target_indices(dataset) == [0, 1, 2, 0, 1, 2, 0]
    info = dataset.get_data_info(4)
    assert info['source']['index'] == 4 and info['target']['index'] == 1
    assert dataset[5]['source']['index'] == 5


def test_shuffle_is_a_fixed_cycling_permutation():
    target = IndexDataset(10)
    dataset = UDADataset(IndexDataset(25), target, pairing='shuffle', seed=3)
    indices = _target_indices(dataset)
    assert sorted(indices[:10]) == list(range(10))
    assert indices[10:20] == indices[:10] and indices[20:] == indices[:5]
    assert indices[:10] != list(range(10))
    # what two DDP ranks building the same config see
    other = UDADataset(IndexDataset(25), IndexDataset(10), 'shuffle', seed=3)
    assert _target_indices(other) == indices
    assert _target_indices(dataset) == indices  # fixed across epochs
    reseeded = UDADataset(IndexDataset(25), target, 'shuffle', seed=4)
    assert _target_indices(reseeded) != indices


def test_random_pairing_follows_numpy_seed():
    dataset = UDADataset(IndexDataset(200), IndexDataset(4), 'random')
    np.random.seed(1)
    first = _target_indices(dataset)
    np.random.seed(1)
    assert _target_indices(dataset) == first
    np.random.seed(2)
    assert _target_indices(dataset) != first
    assert set(first) == {0, 1, 2, 3}


def test_bad_pairing():
    with pytest.raises(ValueError, match="'cyclic'"):
        UDADataset(IndexDataset(2), IndexDataset(2), pairing='sequential')


def test_bad_dataset_type_and_empty_target():
    with pytest.raises(TypeError, match='`target` must be a dataset config'):
        UDADataset(IndexDataset(2), [1, 2])
    with pytest.raises(ValueError, match='0 target'):
        UDADataset(IndexDataset(2), IndexDataset(0))


def test_metainfo_and_class_mismatch():
    source = IndexDataset(2, classes=CLASSES)
    dataset = UDADataset(source, IndexDataset(2))
    assert dataset.metainfo == source.metainfo
    dataset.metainfo['classes'] = ('x', )
    assert dataset.metainfo['classes'] == CLASSES
    assert UDADataset(source, IndexDataset(2, classes=list(CLASSES)))
    with pytest.raises(ValueError) as err:
        UDADataset(source, IndexDataset(2, classes=('a', 'c')))
    msg = str(err.value)
    assert "('a', 'b')" in msg and "('a', 'c')" in msg
    assert msg.count('IndexDataset') == 2


def test_class_mismatch_names_dataset_types(seg_cfgs):
    source_cfg, target_cfg = seg_cfgs
    target_cfg['metainfo'] = dict(classes=('a', 'c'))
    with pytest.raises(ValueError, match='source .BaseSegDataset.'):
        UDADataset(source_cfg, target_cfg)


def test_lazy_init(tmp_path):
    init_default_scope('mmseg')
    _write_pngs(tmp_path / 'src', 2, labelled=True)
    _write_pngs(tmp_path / 'tgt', 3, labelled=False)
    source_cfg = _seg_cfg(tmp_path / 'src', True, lazy_init=True)
    target_cfg = _seg_cfg(tmp_path / 'tgt', False, lazy_init=True)

    dataset = UDADataset(source_cfg, target_cfg, 'shuffle', lazy_init=True)
    assert not dataset._fully_initialized
    assert not dataset.source_dataset._fully_initialized
    assert not dataset.target_dataset._fully_initialized
    assert dataset.metainfo['classes'] == CLASSES  # needs no file list
    dataset.full_init()
    assert dataset.source_dataset._fully_initialized
    assert dataset.target_dataset._fully_initialized
    assert len(dataset) == 2

    dataset = UDADataset(source_cfg, target_cfg, lazy_init=True)
    assert len(dataset) == 2  # initializes on first use
    assert dataset._fully_initialized

    dataset = UDADataset(source_cfg, target_cfg)
    assert dataset.target_dataset._fully_initialized
