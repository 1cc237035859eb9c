"""tools/analysis_tools/domain_distance.py on synthetic image sets."""
import json
import sys

import mmcv
import numpy as np
import pytest
from uda_test_utils import load_tool

tool = load_tool('analysis_tools/domain_distance')


def test_features_describe_colour_saturation_and_sharpness(tmp_path):
    red = np.zeros((8, 8, 3), np.uint8)
    red[..., 2] = 200  # BGR
    path = str(tmp_path / 'red.png')
    mmcv.imwrite(red, path)
    feats = dict(zip(tool.FEATURE_NAMES, tool.image_features(path)))
    assert feats['mean_r'] == 200 and feats['mean_g'] == feats['mean_b'] == 0
    assert feats['std_r'] == 0 and feats['laplacian'] == 0
    assert feats['saturation'] == 255

    noisy = np.random.default_rng(0).integers(0, 256, (8, 8, 3), np.uint8)
    mmcv.imwrite(noisy, path)
    feats = dict(zip(tool.FEATURE_NAMES, tool.image_features(path)))
    assert feats['std_g'] > 50 and feats['laplacian'] > 50


def test_same_distribution_is_near_zero_and_chance():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(200, 8)), rng.normal(size=(200, 8))
    assert tool.frechet_distance(a, b) < 0.2
    assert abs(tool.domain_classifier_accuracy(a, b) - 0.5) < 0.1


def test_shifted_distribution_is_far_and_separable():
    rng = np.random.default_rng(0)
    ref = rng.normal(size=(200, 8))
    near = rng.normal(size=(200, 8)) + 0.5
    far = rng.normal(size=(200, 8)) + 3.0
    assert tool.frechet_distance(far, ref) > tool.frechet_distance(near,
                                                                   ref) > 1
    assert tool.domain_classifier_accuracy(far, ref) > 0.99
    assert 0.6 < tool.domain_classifier_accuracy(near, ref) < 0.99


def test_too_few_images_for_cross_validation():
    with pytest.raises(ValueError, match='at least 5'):
        tool.domain_classifier_accuracy(np.zeros((3, 8)), np.zeros((9, 8)))


def test_command_line_ranks_folders_by_distance(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)

    def write_set(name, mean, noise):
        folder = tmp_path / name / 'nested'
        folder.mkdir(parents=True)
        for i in range(10):
            image = rng.normal(mean, noise, (16, 16, 3)).clip(0, 255)
            mmcv.imwrite(image.astype(np.uint8), str(folder / f'{i}.png'))
        return str(tmp_path / name)

    target = write_set('target', 100, 20)
    close = write_set('close', 105, 20)
    far = write_set('far', 200, 2)
    out = str(tmp_path / 'result.json')
    monkeypatch.setattr(
        sys, 'argv', ['domain_distance.py', target, far, close, '--out', out])
    tool.main()
    with open(out) as f:
        results = json.load(f)['results']
    assert results[far]['frechet'] > results[close]['frechet']
    assert results[far]['domain_acc'] == 1.0
    assert results[target]['frechet'] < 1e-6
    assert results[far]['num_images'] == 10


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nowhere'):
        tool.list_images(str(tmp_path / 'nowhere'))
