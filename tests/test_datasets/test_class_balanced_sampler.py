import itertools
import os
import os.path as osp

import numpy as np
import pytest
from mmseg.registry import DATA_SAMPLERS, DATASETS
from uda_fixtures import H, W, write_image, write_palette_label

from mmseg_uda.datasets import ClassBalancedSampler, UDADataset

NUM_IMAGES = 10
RARE = 9  # the only image with a sidewalk (GTA5 id 8 -> train id 1)


def make_source(root: str) -> dict:
    """Ten GTA5 images: road everywhere, sidewalk only in image 9, void
    (GTA5 id 0 -> 255) in image 4."""
    for k in range(NUM_IMAGES):
        label = np.full((H, W), 7, np.uint8)
        if k == RARE:
            label[:, W // 2:] = 8
        if k == 4:
            label[0] = 0
        write_image(osp.join(root, 'images', f'{k:05d}.png'), seed=k)
        write_palette_label(osp.join(root, 'labels', f'{k:05d}.png'), label)
    return dict(
        type='GTA5Dataset',
        data_root=root,
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
            dict(type='PackSegInputs')
        ])


def draws(sampler, num):
    return list(itertools.islice(iter(sampler), num))


def test_classes_are_read_with_the_dataset_label_loader(tmp_path):
    dataset = DATASETS.build(make_source(str(tmp_path / 'gta5')))
    sampler = ClassBalancedSampler(dataset, seed=0)
    assert sampler.image_classes == [[0]] * RARE + [[0, 1]]
    assert sampler.class_images[1] == [RARE]
    assert sampler.class_images[0] == list(range(NUM_IMAGES))
    assert all(not images for images in sampler.class_images[2:])


def test_rare_classes_are_drawn_far_more_often_than_uniformly(tmp_path):
    dataset = DATASETS.build(make_source(str(tmp_path / 'gta5')))
    sampler = ClassBalancedSampler(dataset, seed=0)
    indices = draws(sampler, 2000)
    assert set(indices) <= set(range(NUM_IMAGES))
    # Uniform sampling draws image 9 one time in ten. Here the first draw
    # picks road or sidewalk with equal weight; afterwards the weight of a
    # class is 1 / log(1.01 + its share of the drawn classes), so sidewalk
    # (share <= 1/2) always weighs at least as much as road (share >= 1/2).
    share = indices.count(RARE) / len(indices)
    assert share > 0.45
    # ... while every road image keeps being drawn
    assert len(set(indices)) == NUM_IMAGES


def test_weights_follow_the_official_formula(tmp_path):
    dataset = DATASETS.build(make_source(str(tmp_path / 'gta5')))
    sampler = ClassBalancedSampler(dataset, seed=0, reset_interval=10**9)
    indices = draws(sampler, 4000)
    # In the long run image 9 is drawn with probability p, so the shares are
    # f_1 = p / (1 + p) (sidewalk) and f_0 = 1 / (1 + p) (road); sidewalk is
    # picked (always giving image 9) with probability w_1 / (w_0 + w_1),
    # w = 1 / log(1.01 + f); road gives image 9 with probability 1/10.
    # The fixed point p of p = w_1/(w_0+w_1) + w_0/(w_0+w_1) / 10:
    p = 0.5
    for _ in range(200):
        f1, f0 = p / (1 + p), 1 / (1 + p)
        w1, w0 = 1 / np.log(1.01 + f1), 1 / np.log(1.01 + f0)
        p = (w1 + w0 / 10) / (w0 + w1)
    assert indices.count(RARE) / len(indices) == pytest.approx(p, abs=0.03)


def test_seeded_streams_and_rank_slices(tmp_path):
    dataset = DATASETS.build(make_source(str(tmp_path / 'gta5')))
    stream = draws(ClassBalancedSampler(dataset, seed=3), 40)
    assert draws(ClassBalancedSampler(dataset, seed=3), 40) == stream
    assert draws(ClassBalancedSampler(dataset, seed=4), 40) != stream
    ranks = []
    for rank in range(2):
        sampler = ClassBalancedSampler(dataset, seed=3)
        sampler.rank, sampler.world_size = rank, 2
        ranks.append(draws(sampler, 20))
    assert ranks[0] == stream[0::2] and ranks[1] == stream[1::2]


def test_cache_file_and_uda_dataset(tmp_path):
    source = make_source(str(tmp_path / 'gta5'))
    target = dict(
        type='GTA5Dataset',
        data_root=source['data_root'],
        data_prefix=dict(img_path='images'),
        pipeline=[dict(type='LoadImageFromFile')])
    cache = str(tmp_path / 'cache' / 'classes.json')
    first = DATA_SAMPLERS.build(
        dict(type='ClassBalancedSampler', cache_file=cache),
        default_args=dict(dataset=UDADataset(source, target), seed=0))
    assert osp.isfile(cache)
    assert len(first) == NUM_IMAGES
    # the cache is reused: the label maps are not read again
    for name in os.listdir(osp.join(source['data_root'], 'labels')):
        os.remove(osp.join(source['data_root'], 'labels', name))
        open(osp.join(source['data_root'], 'labels', name), 'w').close()
    dataset = UDADataset(source, target)
    second = ClassBalancedSampler(dataset, seed=0, cache_file=cache)
    assert second.image_classes == first.image_classes


def test_unusable_datasets_raise(tmp_path):
    source = make_source(str(tmp_path / 'gta5'))
    no_loader = dict(source, pipeline=[dict(type='LoadImageFromFile')])
    with pytest.raises(ValueError, match='label loader'):
        ClassBalancedSampler(DATASETS.build(no_loader), seed=0)
    unlabelled = dict(no_loader, data_prefix=dict(img_path='images'))
    with pytest.raises(ValueError, match='seg_map_path'):
        ClassBalancedSampler(DATASETS.build(unlabelled), seed=0)
