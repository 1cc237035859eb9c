import numpy as np
import pytest
from mmengine.logging import MMLogger
from mmseg.registry import TRANSFORMS
from uda_fixtures import (GTA5_IDS, SYNTHIA_IDS, column_values, id_map,
                          write_gray_label, write_image, write_palette_label,
                          write_synthia_label)


def load(img_path, seg_map_path, **cfg):
    """Run LoadImageFromFile + LoadUDAAnnotations(**cfg) on one pair."""
    results = dict(img_path=img_path, seg_map_path=seg_map_path, seg_fields=[])
    results = TRANSFORMS.build(dict(type='LoadImageFromFile'))(results)
    return TRANSFORMS.build(dict(type='LoadUDAAnnotations', **cfg))(results)


@pytest.fixture
def gta5_pair(tmp_path):
    img, seg = str(tmp_path / 'img.png'), str(tmp_path / 'seg.png')
    write_image(img)
    write_palette_label(seg, id_map(GTA5_IDS))
    return img, seg


def test_palette_png_gives_ids_not_colours(gta5_pair):
    results = load(*gta5_pair, label_mapping='cityscapes')
    gt = results['gt_seg_map']
    assert gt.dtype == np.uint8 and gt.shape == (16, 32)
    # road, sidewalk, building, car, sky, void, invalid(34), bicycle
    assert column_values(gt) == [0, 1, 2, 13, 10, 255, 255, 18]
    assert results['seg_fields'] == ['gt_seg_map']


def test_no_mapping_keeps_train_ids(tmp_path):
    img, seg = str(tmp_path / 'img.png'), str(tmp_path / 'seg.png')
    write_image(img)
    write_gray_label(seg, id_map([0, 5, 18, 255, 1, 2, 3, 4]))
    gt = load(img, seg)['gt_seg_map']
    assert column_values(gt) == [0, 5, 18, 255, 1, 2, 3, 4]


def test_synthia_16bit_class_channel(tmp_path):
    img, seg = str(tmp_path / 'img.png'), str(tmp_path / 'seg.png')
    write_image(img)
    write_synthia_label(seg, id_map(SYNTHIA_IDS))
    gt = load(img, seg, label_mapping='synthia', channel=2)['gt_seg_map']
    # road, sidewalk, building, car, sky, void, train (absent), invalid
    assert column_values(gt) == [0, 1, 2, 13, 10, 255, 255, 255]
    with pytest.raises(ValueError, match=f'{seg}.*3 channels.*channel=2'):
        load(img, seg, label_mapping='synthia')
    with pytest.raises(ValueError, match='ids up to 1000'):
        load(img, seg, channel=0)  # the 16-bit channel, no mapping


def test_channel_on_single_channel_label_raises(gta5_pair):
    with pytest.raises(ValueError, match='single channel.*channel=None'):
        load(*gta5_pair, label_mapping='cityscapes', channel=2)


def test_strict_names_file_and_unknown_ids(gta5_pair):
    img, seg = gta5_pair
    # void id 0 is valid; 34 is not a Cityscapes labelId
    with pytest.raises(ValueError, match=rf"{seg} holds ids \[34\]"):
        load(img, seg, label_mapping='cityscapes', strict=True)


def test_dataset_label_map_applied_after_mapping(gta5_pair):
    results = dict(
        img_path=gta5_pair[0],
        seg_map_path=gta5_pair[1],
        seg_fields=[],
        label_map={
            0: 255,
            1: 0,
            2: 1,
            13: 2
        })
    results = TRANSFORMS.build(dict(type='LoadImageFromFile'))(results)
    gt = TRANSFORMS.build(
        dict(type='LoadUDAAnnotations',
             label_mapping='cityscapes'))(results)['gt_seg_map']
    assert column_values(gt) == [255, 0, 1, 2, 255, 255, 255, 255]


def test_size_mismatch_error_and_resize(tmp_path):
    img, seg = str(tmp_path / 'img.png'), str(tmp_path / 'seg.png')
    write_image(img, size=(32, 16))
    write_gray_label(seg, id_map(GTA5_IDS, size=(16, 8), block=2))
    with pytest.raises(
            ValueError, match=f'label {seg} is 16x8.*image {img} is 32x16'):
        load(img, seg, label_mapping='cityscapes')

    log_file = tmp_path / 'log.txt'
    MMLogger.get_instance('test_size_mismatch', log_file=str(log_file))
    gt = load(
        img, seg, label_mapping='cityscapes',
        size_mismatch='resize')['gt_seg_map']
    assert gt.shape == (16, 32)
    # the 2 px stripes of the label are 4 px wide after the resize
    assert column_values(gt) == [0, 1, 2, 13, 10, 255, 255, 18]
    assert f'{seg} is 16x8' in log_file.read_text()


def test_after_resize_label_keeps_original_size(gta5_pair):
    # mmseg's test pipelines resize the image before loading the label
    results = dict(
        img_path=gta5_pair[0], seg_map_path=gta5_pair[1], seg_fields=[])
    for cfg in [
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=(64, 32), keep_ratio=False),
            dict(type='LoadUDAAnnotations', label_mapping='cityscapes')
    ]:
        results = TRANSFORMS.build(cfg)(results)
    assert results['img_shape'] == (32, 64)
    assert results['gt_seg_map'].shape == (16, 32)


def test_needs_image_first_and_checks_arguments(gta5_pair):
    transform = TRANSFORMS.build(
        dict(type='LoadUDAAnnotations', label_mapping='cityscapes'))
    with pytest.raises(KeyError, match='LoadImageFromFile'):
        transform(dict(seg_map_path=gta5_pair[1], seg_fields=[]))
    with pytest.raises(ValueError, match='size_mismatch'):
        TRANSFORMS.build(dict(type='LoadUDAAnnotations', size_mismatch='pad'))
    with pytest.raises(ValueError, match='Unknown label mapping'):
        TRANSFORMS.build(dict(type='LoadUDAAnnotations', label_mapping='gta'))


def test_damaged_label_file(tmp_path):
    img, seg = str(tmp_path / 'img.png'), str(tmp_path / 'seg.png')
    write_image(img)
    with open(seg, 'wb') as f:
        f.write(b'not a png')
    with pytest.raises(ValueError, match=f'Cannot decode .*{seg}'):
        load(img, seg)
