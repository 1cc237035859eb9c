import os.path as osp

import mmcv
import numpy as np
import pytest
from mmseg.registry import TRANSFORMS
from uda_test_utils import REPO_ROOT, load_module, load_tool

fixtures = load_module(
    osp.join(REPO_ROOT, 'tests', 'test_datasets', 'uda_fixtures.py'))


def converter(name):
    return load_tool(f'dataset_converters/{name}')


def on_the_fly(seg_map_path, **cfg):
    """What LoadUDAAnnotations gives for a raw label."""
    shape = mmcv.imread(seg_map_path, flag='unchanged').shape[:2]
    results = dict(seg_map_path=seg_map_path, ori_shape=shape, seg_fields=[])
    return TRANSFORMS.build(dict(type='LoadUDAAnnotations',
                                 **cfg))(results)['gt_seg_map']


def check_outputs(raw_paths, in_suffix, out_suffix, **cfg):
    for raw in raw_paths:
        out = mmcv.imread(raw[:-len(in_suffix)] + out_suffix, flag='unchanged')
        assert out.dtype == np.uint8 and out.ndim == 2
        np.testing.assert_array_equal(out, on_the_fly(raw, **cfg))
        # and the converted map is loaded unchanged without a mapping
        np.testing.assert_array_equal(
            on_the_fly(raw[:-len(in_suffix)] + out_suffix), out)


@pytest.mark.parametrize('nproc', [1, 2])
def test_gta5_converter(tmp_path, nproc):
    root = fixtures.make_gta5(str(tmp_path / 'gta5'))
    converter('gta5').main([root, '--nproc', str(nproc)])
    raws = [osp.join(root, 'labels', f'{k:05d}.png') for k in range(3)]
    check_outputs(
        raws, '.png', '_labelTrainIds.png', label_mapping='cityscapes')
    # the outputs of a first run are not taken as inputs of a second one
    converter('gta5').main([root])
    assert not osp.exists(
        osp.join(root, 'labels', '00000_labelTrainIds_labelTrainIds.png'))


def test_synthia_converter(tmp_path):
    root = fixtures.make_synthia(str(tmp_path / 'synthia'))
    converter('synthia').main([root])
    raws = [osp.join(root, 'GT', 'LABELS', f'{k:07d}.png') for k in range(2)]
    check_outputs(
        raws, '.png', '_labelTrainIds.png', label_mapping='synthia', channel=2)


def test_cityscapes_converter(tmp_path):
    root = fixtures.make_cityscapes(str(tmp_path / 'cityscapes'))
    converter('cityscapes').main([root])
    raws = [
        osp.join(root, 'gtFine', 'val', 'frankfurt',
                 f'frankfurt_000000_{k:06d}_gtFine_labelIds.png')
        for k in range(2)
    ]
    check_outputs(
        raws,
        '_gtFine_labelIds.png',
        '_gtFine_labelTrainIds.png',
        label_mapping='cityscapes')


def test_crosscity_converter(tmp_path):
    root = str(tmp_path / 'crosscity')
    for city in ('Rome', 'Taipei'):
        fixtures.make_crosscity(root, city=city)
    converter('crosscity').main([root])
    raws = [
        osp.join(root, city, 'Labels', 'Test', f'pic_{k:03d}_eval.png')
        for city in ('Rome', 'Taipei') for k in range(2)
    ]
    check_outputs(
        raws,
        '_eval.png',
        '_eval_labelTrainIds.png',
        label_mapping='crosscity')
    with pytest.raises(FileNotFoundError, match='Cross-City Rio labels'):
        converter('crosscity').main([root, '--cities', 'Rio'])


def test_converters_name_missing_paths(tmp_path):
    missing = str(tmp_path / 'nowhere')
    with pytest.raises(FileNotFoundError, match=f'{missing}.*download GTA5'):
        converter('gta5').main([missing])
    with pytest.raises(
            FileNotFoundError, match=f'{missing}.*gtFine_trainvaltest.zip'):
        converter('cityscapes').main([missing])
    with pytest.raises(FileNotFoundError, match=f'{missing}.*NTHU'):
        converter('crosscity').main([missing])
    empty = tmp_path / 'synthia' / 'GT' / 'LABELS'
    empty.mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="ending in '.png' under"):
        converter('synthia').main([str(tmp_path / 'synthia')])
