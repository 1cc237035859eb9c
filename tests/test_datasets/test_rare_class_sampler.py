import itertools
import math
import os
import os.path as osp
import pickle

import numpy as np
import pytest
from mmseg.registry import DATA_SAMPLERS, DATASETS
from uda_fixtures import H, W, write_image, write_palette_label

from mmseg_uda.datasets import UDADataset
from mmseg_uda.datasets.samplers import (RareClassIndex, RareClassSampler,
                                         rare_class_probabilities)

ROAD, SIDEWALK, CAR = 0, 1, 13  # train ids of GTA5 ids 7, 8, 26


def make_source(root: str) -> dict:
    """Four GTA5 images of road (H x W = 16 x 32), with
    0: nothing else; 1: 4 rows of sidewalk; 2: 8 rows of car;
    3: 1 row of car, 2 rows of sidewalk and 1 row of void (id 0)."""
    labels = [np.full((H, W), 7, np.uint8) for _ in range(4)]
    labels[1][:4] = 8
    labels[2][:8] = 26
    labels[3][0] = 26
    labels[3][1:3] = 8
    labels[3][-1] = 0
    for k, label in enumerate(labels):
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


def test_probabilities_match_a_hand_computation():
    freq = [0.7, 0.2, 0.1]
    expected = [math.exp((1 - f) / 0.01) for f in freq]
    expected = [e / sum(expected) for e in expected]
    np.testing.assert_allclose(
        rare_class_probabilities(np.array(freq), 0.01), expected, rtol=1e-9)
    freq = [0.5, 0.3, 0.2]
    expected = [math.exp(1 - f) for f in freq]
    expected = [e / sum(expected) for e in expected]
    np.testing.assert_allclose(
        rare_class_probabilities(np.array(freq), 1.), expected, rtol=1e-9)
    with pytest.raises(ValueError, match='temperature'):
        rare_class_probabilities(np.array(freq), 0.)


def test_statistics_frequencies_and_eligible_images(tmp_path):
    dataset = DATASETS.build(make_source(str(tmp_path / 'gta5')))
    sampler = RareClassSampler(
        dataset, seed=0, temperature=0.5, min_pixels=50, cache_file=None)
    assert sampler.stats == [{
        ROAD: 512
    }, {
        ROAD: 384,
        SIDEWALK: 128
    }, {
        ROAD: 256,
        CAR: 256
    }, {
        ROAD: 384,
        SIDEWALK: 64,
        CAR: 32
    }]
    total = 512 + 512 + 512 + 480  # the void row is not counted
    assert sampler.frequencies[ROAD] == pytest.approx(1536 / total)
    assert sampler.frequencies[SIDEWALK] == pytest.approx(192 / total)
    assert sampler.frequencies[CAR] == pytest.approx(288 / total)
    # image 3 holds only 32 car pixels, below min_pixels
    assert sampler.class_images[CAR] == [2]
    assert sampler.class_images[SIDEWALK] == [1, 3]
    assert sampler.class_images[ROAD] == [0, 1, 2, 3]
    assert sampler.classes.tolist() == [ROAD, SIDEWALK, CAR]
    expected = rare_class_probabilities(
        np.array([1536, 192, 288]) / total, 0.5)
    np.testing.assert_allclose(sampler.probabilities, expected)


def test_draws_hold_the_chosen_class(tmp_path):
    dataset = DATASETS.build(make_source(str(tmp_path / 'gta5')))
    sampler = RareClassSampler(
        dataset, seed=0, temperature=0.5, min_pixels=50, cache_file=None)
    indices = draws(sampler, 4000)
    # P(image) = sum over classes of P(c) / (images eligible for c)
    p_road, p_sidewalk, p_car = sampler.probabilities
    expected = [
        p_road / 4, p_road / 4 + p_sidewalk / 2, p_road / 4 + p_car,
        p_road / 4 + p_sidewalk / 2
    ]
    shares = np.bincount(indices, minlength=4) / len(indices)
    np.testing.assert_allclose(shares, expected, atol=0.03)
    # with T = 0.01 the rarest class dominates: sidewalk (f = 0.095)
    rare = RareClassSampler(
        dataset, seed=0, min_pixels=50, cache_file=None)
    assert rare.probabilities[1] > 0.9
    assert set(draws(rare, 200)) <= {0, 1, 2, 3}
    assert sum(i in (1, 3) for i in draws(rare, 200)) > 170


def test_seeded_streams_and_rank_slices(tmp_path):
    dataset = DATASETS.build(make_source(str(tmp_path / 'gta5')))
    kwargs = dict(temperature=0.5, min_pixels=50, cache_file=None)
    stream = draws(RareClassSampler(dataset, seed=3, **kwargs), 40)
    assert draws(RareClassSampler(dataset, seed=3, **kwargs), 40) == stream
    assert draws(RareClassSampler(dataset, seed=4, **kwargs), 40) != stream
    sampler = RareClassSampler(dataset, seed=3, **kwargs)
    sampler.rank, sampler.world_size = 1, 2
    assert draws(sampler, 20) == stream[1::2]


def test_cache_is_written_beside_the_data_and_reused(tmp_path):
    source = make_source(str(tmp_path / 'gta5'))
    target = dict(
        type='GTA5Dataset',
        data_root=source['data_root'],
        data_prefix=dict(img_path='images'),
        pipeline=[dict(type='LoadImageFromFile')])
    first = DATA_SAMPLERS.build(
        dict(type='RareClassSampler', min_pixels=50),
        default_args=dict(dataset=UDADataset(source, target), seed=0))
    cache = osp.join(source['data_root'], 'rcs_class_stats.json')
    assert first.cache_file == cache and osp.isfile(cache)
    assert len(first) == 4
    # the cache is reused: the label maps are not read again
    labels = osp.join(source['data_root'], 'labels')
    for name in os.listdir(labels):
        open(osp.join(labels, name), 'w').close()
    second = RareClassSampler(
        UDADataset(source, target), seed=0, min_pixels=50)
    assert second.stats == first.stats
    np.testing.assert_allclose(second.probabilities, first.probabilities)


def test_unusable_settings_raise(tmp_path):
    dataset = DATASETS.build(make_source(str(tmp_path / 'gta5')))
    with pytest.raises(ValueError, match='min_pixels'):
        RareClassSampler(dataset, seed=0, min_pixels=512, cache_file=None)
    with pytest.raises(ValueError, match='min_pixels'):
        RareClassSampler(dataset, seed=0, min_pixels=-1, cache_file=None)


def test_crop_redraw_indices_carry_the_drawn_class(tmp_path):
    dataset = DATASETS.build(make_source(str(tmp_path / 'gta5')))
    sampler = RareClassSampler(
        dataset,
        seed=0,
        temperature=0.5,
        min_pixels=50,
        cache_file=None,
        min_crop_ratio=0.5,
        max_crop_redraws=7)
    indices = draws(sampler, 200)
    assert all(isinstance(i, RareClassIndex) for i in indices)
    for index in indices:
        assert sampler.stats[index][index.rare_class] > 50
        assert index.min_crop_pixels == 25 and index.max_crop_redraws == 7
    # through dataloader workers (pickled) it stays what it is
    copy = pickle.loads(pickle.dumps(indices[0]))
    assert (type(copy), int(copy), copy.rare_class) == (
        RareClassIndex, int(indices[0]), indices[0].rare_class)
    # without the re-draw: plain ints
    plain = RareClassSampler(dataset, seed=0, min_pixels=50, cache_file=None)
    assert all(type(i) is int for i in draws(plain, 20))
    with pytest.raises(ValueError, match='min_crop_ratio'):
        RareClassSampler(
            dataset, seed=0, min_pixels=50, cache_file=None,
            min_crop_ratio=-1)


@pytest.mark.parametrize('redraws', [0, 10])
def test_udadataset_redraws_the_crop_until_it_holds_the_class(
        tmp_path, redraws):
    """Image 2 has 8 of its 16 rows of car; a 4-row crop holds all 128 car
    pixels it can hold in 5 of its 13 positions. Asking for more than 125
    pixels, one draw succeeds with p = 5/13, up to 11 draws with
    p = 1 - (8/13)^11 > 0.99."""
    source = make_source(str(tmp_path / 'gta5'))
    source['pipeline'].insert(
        2, dict(type='RandomCrop', crop_size=(4, W)))
    target = dict(
        type='GTA5Dataset',
        data_root=source['data_root'],
        data_prefix=dict(img_path='images'),
        pipeline=[dict(type='LoadImageFromFile'),
                  dict(type='PackSegInputs')])
    dataset = UDADataset(source, target)
    np.random.seed(0)
    index = RareClassIndex(2, CAR, 125., redraws)
    hits = sum(
        int((dataset[index]['source']['data_samples'].gt_sem_seg.data ==
             CAR).sum()) == 4 * W for _ in range(300))
    if redraws:
        assert hits > 0.97 * 300
    else:
        assert abs(hits / 300 - 5 / 13) < 0.1
