import dataclasses
import glob
import json
import os
import os.path as osp
import re

import cv2
import numpy as np
import pytest
from mmseg.registry import DATASETS
from uda_test_utils import load_tool

from mmseg_uda.datasets.toy import (LABEL_IDS, TOY_PAIR_ROOTS, default_styles,
                                    generate_sample, generate_scene,
                                    generate_toy_benchmark, source_style,
                                    target_style, toy_root_options)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
W, H = 64, 32
SMALL = dict(
    width=W,
    height=H,
    num_source_train=3,
    num_source_val=2,
    num_target_train=3,
    num_target_val=2)
# Cityscapes labelIds: the 9 classes every benchmark must show, the optional
# extras (fence, traffic light, terrain) and the ego-vehicle void id.
REQUIRED = {7, 8, 11, 17, 20, 21, 23, 24, 26}
ALLOWED = REQUIRED | {13, 19, 22} | {1}
CS_NAME = re.compile(r'^([a-z]+)_(\d{6})_(\d{6})_leftImg8bit\.png$')


def generate(out_dir, **kwargs):
    return generate_toy_benchmark(str(out_dir), **dict(SMALL, **kwargs))


def read_tree(root):
    """Relative path -> bytes of every file under ``root``."""
    files = {}
    for path in glob.glob(osp.join(str(root), '**', '*'), recursive=True):
        if osp.isfile(path):
            with open(path, 'rb') as f:
                files[osp.relpath(path, str(root))] = f.read()
    return files


def test_file_layout_follows_gta5_and_cityscapes(tmp_path):
    generate(tmp_path)
    gta = tmp_path / 'gta5'
    names = [f'{i:05d}' for i in range(5)]
    assert sorted(os.listdir(gta / 'images')) == [n + '.png' for n in names]
    assert sorted(os.listdir(gta / 'labels')) == [n + '.png' for n in names]
    assert (gta / 'train.txt').read_text().split() == names[:3]
    assert (gta / 'val.txt').read_text().split() == names[3:]
    img = cv2.imread(str(gta / 'images' / '00004.png'), cv2.IMREAD_UNCHANGED)
    label = cv2.imread(str(gta / 'labels' / '00004.png'), cv2.IMREAD_UNCHANGED)
    assert img.shape == (H, W, 3) and img.dtype == np.uint8
    assert label.shape == (H, W) and label.dtype == np.uint8

    cs = tmp_path / 'cityscapes'
    for split, cities, count in (('train', {'toyville', 'simburg'}, 3),
                                 ('val', {'valcity'}, 2)):
        assert set(os.listdir(cs / 'leftImg8bit' / split)) == cities
        images = sorted(
            glob.glob(str(cs / 'leftImg8bit' / split / '*' / '*.png')))
        assert len(images) == count
        for path in images:
            city = osp.basename(osp.dirname(path))
            match = CS_NAME.match(osp.basename(path))
            assert match and match.group(1) == city
            gt = path.replace('leftImg8bit', 'gtFine',
                              1).replace('_leftImg8bit.png',
                                         '_gtFine_labelIds.png')
            assert cv2.imread(gt, cv2.IMREAD_UNCHANGED).shape == (H, W)
            assert cv2.imread(path).shape == (H, W, 3)


def test_same_seed_same_bytes_any_worker_count(tmp_path):
    generate(tmp_path / 'a', seed=3)
    generate(tmp_path / 'b', seed=3, nproc=2)
    generate(tmp_path / 'c', seed=4)
    a, b, c = (read_tree(tmp_path / d) for d in 'abc')
    assert a == b
    assert a.keys() == c.keys()
    pngs = [k for k in a if k.endswith('.png')]
    assert all(a[k] != c[k] for k in pngs if 'images' in k or 'leftImg' in k)


def test_a_single_sample_regenerates_its_files(tmp_path):
    generate(tmp_path, seed=7)
    img, label = generate_sample('target', 'val', 1, seed=7, width=W, height=H)
    path = tmp_path / 'cityscapes' / 'leftImg8bit' / 'val' / 'valcity' / (
        'valcity_000001_000019_leftImg8bit.png')
    np.testing.assert_array_equal(cv2.imread(str(path))[..., ::-1], img)
    gt = str(path).replace('leftImg8bit', 'gtFine',
                           1).replace('_leftImg8bit.png',
                                      '_gtFine_labelIds.png')
    np.testing.assert_array_equal(cv2.imread(gt, cv2.IMREAD_UNCHANGED), label)
    # source val samples follow the train samples in the GTA5 folder
    img, label = generate_sample('source', 'val', 0, seed=7, width=W, height=H)
    np.testing.assert_array_equal(
        cv2.imread(str(tmp_path / 'gta5' / 'images' / '00003.png'))[..., ::-1],
        img)
    np.testing.assert_array_equal(
        cv2.imread(
            str(tmp_path / 'gta5' / 'labels' / '00003.png'),
            cv2.IMREAD_UNCHANGED), label)


@pytest.mark.parametrize('pair', ['a', 'b'])
@pytest.mark.parametrize('domain', ['source', 'target'])
def test_labels_are_cityscapes_label_ids_with_all_classes(domain, pair):
    labels = [
        generate_sample(domain, 'train', i, width=W, height=H, pair=pair)[1]
        for i in range(6)
    ]
    seen = set()
    for label in labels:
        ids = set(np.unique(label).tolist())
        assert ids <= ALLOWED
        assert 1 in ids, 'every image has void ego-vehicle pixels'
        seen |= ids
    assert REQUIRED <= seen
    assert set(LABEL_IDS.values()) | {1} == ALLOWED


def _domain_stats(styles, n=6, width=128, height=64):
    stats = {}
    for domain in ('source', 'target'):
        imgs, labels = zip(*[
            generate_sample(
                domain,
                'val',
                i,
                width=width,
                height=height,
                style=styles[domain]) for i in range(n)
        ])
        imgs, labels = np.stack(imgs).astype(float), np.stack(labels)
        quarter = height // 4
        stats[domain] = dict(
            sky_top=(labels[:, :quarter] == 23).mean(),
            sky_bottom_half=(labels[:, height // 2:] == 23).mean(),
            road_bottom=(labels[:, -quarter:] == 7).mean(),
            road_top_third=(labels[:, :height // 3] == 7).mean(),
            colours={
                name: np.median(imgs[labels == LABEL_IDS[name]], axis=0)
                for name in ('sidewalk', 'building', 'vegetation', 'sky')
            })
    return stats


def test_domains_share_layout_but_not_colours():
    stats = _domain_stats(default_styles())
    for s in stats.values():
        assert s['sky_top'] > 0.2 and s['sky_bottom_half'] == 0
        assert s['road_bottom'] > 0.25 and s['road_top_third'] == 0
    for name, colour in stats['source']['colours'].items():
        distance = np.linalg.norm(colour - stats['target']['colours'][name])
        assert distance > 40, name
    # without a shift the same classes look alike in both domains
    stats = _domain_stats(default_styles(shift_strength=0))
    for name, colour in stats['source']['colours'].items():
        distance = np.linalg.norm(colour - stats['target']['colours'][name])
        assert distance < 15, name


def test_shift_strength_interpolates_styles():
    src, tgt = source_style(), target_style()
    assert src.interpolate(tgt, 0) == src
    assert src.interpolate(tgt, 1) == tgt
    half = src.interpolate(tgt, 0.5)
    sky = (
        np.add(src.appearance.palette['sky'], tgt.appearance.palette['sky']) /
        2)
    assert np.abs(np.subtract(half.appearance.palette['sky'], sky)).max() <= 1
    assert half.appearance.blur_sigma == pytest.approx(
        tgt.appearance.blur_sigma / 2)
    assert all(isinstance(n, int) for n in half.layout.num_cars)
    assert default_styles(0.5)['target'] == half


def test_manifest_skips_reruns_and_force_regenerates(tmp_path):
    manifest = generate(tmp_path, seed=1)
    with open(tmp_path / 'toy_benchmark.json') as f:
        assert json.load(f) == manifest
    assert manifest['seed'] == 1 and manifest['complete']
    assert manifest['counts']['target'] == {'train': 3, 'val': 2}
    assert manifest['styles']['target'] == json.loads(
        json.dumps(target_style().to_dict()))
    image = tmp_path / 'gta5' / 'images' / '00000.png'
    original = image.read_bytes()
    image.write_bytes(b'edited')
    generate(tmp_path, seed=1)
    assert image.read_bytes() == b'edited'  # same arguments: skipped
    generate(tmp_path, seed=1, force=True)
    assert image.read_bytes() == original
    # other arguments replace the old benchmark, stale files included
    generate(tmp_path, seed=1, num_source_val=1)
    assert not (tmp_path / 'gta5' / 'images' / '00004.png').exists()
    assert (tmp_path / 'gta5' / 'val.txt').read_text().split() == ['00003']
    # a missing file is regenerated even when the manifest matches
    image.unlink()
    generate(tmp_path, seed=1, num_source_val=1)
    assert image.read_bytes() == original


def test_refuses_to_replace_data_it_did_not_write(tmp_path):
    real = tmp_path / 'cityscapes' / 'leftImg8bit' / 'train' / 'aachen'
    real.mkdir(parents=True)
    (real / 'aachen_000000_000019_leftImg8bit.png').write_bytes(b'real')
    with pytest.raises(FileExistsError, match='cityscapes'):
        generate(tmp_path)
    assert (real / 'aachen_000000_000019_leftImg8bit.png').exists()


def test_real_loaders_read_the_benchmark(tmp_path):
    generate(tmp_path)
    pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
        dict(type='PackSegInputs')
    ]
    source_val = DATASETS.build(
        dict(
            type='GTA5Dataset',
            data_root=str(tmp_path / 'gta5'),
            ann_file='val.txt',
            pipeline=pipeline))
    target_val = DATASETS.build(
        dict(
            type='CityscapesDataset',
            data_root=str(tmp_path / 'cityscapes'),
            data_prefix=dict(
                img_path='leftImg8bit/val', seg_map_path='gtFine/val'),
            seg_map_suffix='_gtFine_labelIds.png',
            pipeline=pipeline))
    assert len(source_val) == 2 and len(target_val) == 2
    for dataset in (source_val, target_val):
        sample = dataset[0]
        assert tuple(sample['inputs'].shape) == (3, H, W)
        train_ids = set(
            sample['data_samples'].gt_sem_seg.data.unique().tolist())
        assert 255 in train_ids and train_ids - {255} <= set(range(19))


def test_cli_writes_the_requested_benchmark(tmp_path):
    cli = load_tool('dataset_converters/generate_toy_benchmark')
    cli.main([
        '--out-dir',
        str(tmp_path), '--seed', '5', '--width',
        str(W), '--height',
        str(H), '--num-source-train', '2', '--num-source-val', '1',
        '--num-target-train', '2', '--num-target-val', '1', '--shift-strength',
        '0.5'
    ])
    with open(tmp_path / 'toy_benchmark.json') as f:
        manifest = json.load(f)
    assert manifest['seed'] == 5 and manifest['shift_strength'] == 0.5
    assert manifest['counts']['source'] == {'train': 2, 'val': 1}
    assert len(os.listdir(tmp_path / 'gta5' / 'images')) == 3


# -- the second built-in domain pair ('b') --------------------------------


def test_pair_b_is_deterministic_by_seed_and_not_pair_a(tmp_path):
    generate(tmp_path / 'b3', seed=3, pair='b')
    generate(tmp_path / 'b3_again', seed=3, pair='b', nproc=2)
    generate(tmp_path / 'b4', seed=4, pair='b')
    generate(tmp_path / 'a3', seed=3)
    b3, again, b4, a3 = (
        read_tree(tmp_path / d) for d in ('b3', 'b3_again', 'b4', 'a3'))
    assert b3 == again
    assert b3.keys() == b4.keys() == a3.keys()
    images = [k for k in b3 if 'images' in k or 'leftImg' in k]
    assert all(b3[k] != b4[k] and b3[k] != a3[k] for k in images)
    with open(tmp_path / 'b3' / 'toy_benchmark.json') as f:
        manifest = json.load(f)
    assert manifest['pair'] == 'b'
    assert manifest['styles'] == json.loads(
        json.dumps({
            d: s.to_dict()
            for d, s in default_styles(pair='b').items()
        }))
    # another pair in the same folder replaces the benchmark
    generate(tmp_path / 'b3', seed=3)
    assert read_tree(tmp_path / 'b3') == a3
    with pytest.raises(ValueError, match="pair 'c'"):
        generate(tmp_path / 'c', pair='c')


def _luminance_std(img, mask):
    return img.astype(float).mean(axis=2)[mask].std()


def test_pair_b_target_haze_lowers_contrast_with_depth():
    """Pair b's target loses contrast with the distance, pair a's does not.

    The same scenes (same seed: identical layouts and textures) are
    rendered with and without haze, both without the shot noise (which
    is added after the haze); the haze keeps nearly all the contrast of
    near pixels and less and less of it further away.
    """
    target = default_styles(pair='b')['target']
    looks = {
        name:
        dataclasses.replace(
            target,
            appearance=dataclasses.replace(
                target.appearance, shot_noise=0., haze=haze))
        for name, haze in (('hazy', target.appearance.haze), ('clear', 0.))
    }
    bands = dict(near=(1, 2), middle=(2, 8), far=(8, np.inf))
    kept = {name: [] for name in bands}
    for i in range(6):
        (img, scene), (ref, _) = (
            generate_scene(
                'target',
                'val',
                i,
                width=128,
                height=64,
                style=style,
                pair='b') for style in (looks['hazy'], looks['clear']))
        for name, (low, high) in bands.items():
            mask = (scene.depth >= low) & (scene.depth < high)
            kept[name].append(
                _luminance_std(img, mask) / _luminance_std(ref, mask))
    kept = {name: np.mean(values) for name, values in kept.items()}
    assert kept['near'] > 0.88
    assert kept['near'] > kept['middle'] > kept['far']
    assert kept['far'] < 0.8
    # the sky (infinitely far) is the haze colour
    img, scene = generate_scene('target', 'val', 0, pair='b')
    sky = img[scene.labels == LABEL_IDS['sky']].astype(float)
    haze_colour = target.appearance.haze_colour
    assert np.abs(np.median(sky, axis=0) - haze_colour).max() < 25
    for style in default_styles(pair='a').values():
        assert style.appearance.haze == 0


def _ground_roll(scene):
    """Roll (degrees) of the ground: the tilt of its lines of equal depth.

    On flat ground the inverse depth is linear in the image row; fitting
    ``1 / depth = a x + b y + c`` gives the direction the depth changes in.
    """
    ground = np.isin(scene.labels, [LABEL_IDS['road'], LABEL_IDS['sidewalk']])
    rows, cols = np.nonzero(ground)
    design = np.stack([cols, rows, np.ones_like(cols)], axis=1).astype(float)
    a, b, _ = np.linalg.lstsq(design, 1 / scene.depth[ground], rcond=None)[0]
    return -np.degrees(np.arctan2(a, b))


def test_pair_b_target_camera_rolls_and_pair_a_does_not():
    rolls = []
    for pair, domain in (('a', 'source'), ('a', 'target'), ('b', 'source'),
                         ('b', 'target')):
        for i in range(6):
            _, scene = generate_scene(
                domain, 'val', i, width=128, height=64, pair=pair)
            # the labels and the depth rolled together
            assert _ground_roll(scene) == pytest.approx(scene.roll, abs=0.5)
            # the hood is fixed to the camera: void along the bottom row
            assert scene.labels[-1, 64] == 1
            if (pair, domain) != ('b', 'target'):
                assert scene.roll == 0
            else:
                rolls.append(scene.roll)
    assert max(np.abs(rolls)) <= 8 and np.std(rolls) > 2


def test_pair_b_reverses_object_frequencies():
    """Pair b: many persons and few cars in the source, the reverse in the
    target (pair a has more cars and more persons in its target)."""
    counts = {}
    for pair in ('a', 'b'):
        for domain in ('source', 'target'):
            instances = [
                generate_scene(
                    domain, 'train', i, width=W, height=H,
                    pair=pair)[1].instance_labels for i in range(20)
            ]
            counts[pair, domain] = {
                name: np.mean([x.count(LABEL_IDS[name]) for x in instances])
                for name in ('car', 'person')
            }
    b_src, b_tgt = counts['b', 'source'], counts['b', 'target']
    assert b_src['person'] > 2 * b_src['car']
    assert b_tgt['car'] > 2 * b_tgt['person']
    for name in ('car', 'person'):
        assert counts['a', 'target'][name] > counts['a', 'source'][name]


def test_pair_b_target_noise_grows_with_brightness():
    noisy = default_styles(pair='b')['target']
    clean = dataclasses.replace(
        noisy, appearance=dataclasses.replace(noisy.appearance, shot_noise=0.))
    # the shot noise is drawn last: the rest of the image is identical
    img, _ = generate_scene('target', 'val', 0, style=noisy, pair='b')
    ref, _ = generate_scene('target', 'val', 0, style=clean, pair='b')
    noise = img.astype(float) - ref
    value = ref.astype(float)
    bright, dark = noise[value > 170], noise[(value > 20) & (value < 80)]
    assert bright.std() > 1.3 * dark.std() > 0


def test_pair_b_palettes_differ_from_pair_a():
    a, b = _domain_stats(default_styles()), _domain_stats(
        default_styles(pair='b'))
    for domain in ('source', 'target'):
        for name, colour in a[domain]['colours'].items():
            assert np.linalg.norm(colour -
                                  b[domain]['colours'][name]) > 30, (domain,
                                                                     name)


def test_toy_root_options_move_a_config_to_another_pair():
    from mmengine.config import Config
    base = osp.join(REPO, 'configs', '_base_', 'datasets')
    cfg = Config.fromfile(osp.join(base, 'toy_gta2cs.py'))
    options = toy_root_options(cfg, TOY_PAIR_ROOTS['b'])
    assert options['train_dataloader.dataset.source.data_root'] == (
        'data/toy-b/gta5')
    cfg.merge_from_dict(options)
    # the pair's base config says the same
    expected = Config.fromfile(osp.join(base, 'toy-b_gta2cs.py'))
    assert cfg.to_dict() == expected.to_dict()
    assert toy_root_options(cfg, TOY_PAIR_ROOTS['b']) == {}
    # strings inside lists, and only whole path components
    options = toy_root_options(
        dict(a=['data/toy/x', 'data/toyland/y'], b=dict(c='data/toy')),
        'data/toy-b')
    assert options == {'a.0': 'data/toy-b/x', 'b.c': 'data/toy-b'}
