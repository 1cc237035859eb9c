"""PseudoLabelMargins: a margin mask that follows crops and flips."""
import numpy as np
import pytest
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope


def run(transforms, height=10, width=8):
    init_default_scope('mmseg')
    image = np.arange(height * width * 3, dtype=np.uint8).reshape(
        height, width, 3)
    shape = (height, width)
    return Compose(transforms)(
        dict(img=image, img_shape=shape, ori_shape=shape))


def test_margins_in_image_pixels_packed_as_bool():
    out = run([
        dict(type='PseudoLabelMargins', top=2, bottom=3, left=1, right=0),
        dict(type='PackUDAInputs')
    ])
    mask = out['data_samples'].valid_pseudo_mask.data
    expected = np.zeros((1, 10, 8), dtype=bool)
    expected[:, 2:7, 1:] = True
    assert mask.dtype.is_floating_point is False
    np.testing.assert_array_equal(mask.numpy(), expected)


def test_mask_follows_flip_crop_and_resize():
    flipped = run([
        dict(type='PseudoLabelMargins', left=3),
        dict(type='RandomFlip', prob=1.),
        dict(type='PackUDAInputs')
    ])['data_samples'].valid_pseudo_mask.data[0]
    assert flipped[:, -3:].sum() == 0 and flipped[:, :-3].all()
    np.random.seed(0)
    for _ in range(5):
        out = run([
            dict(type='PseudoLabelMargins', top=4),
            dict(type='RandomCrop', crop_size=(6, 8)),
            dict(type='PackUDAInputs')
        ])
        mask = out['data_samples'].valid_pseudo_mask.data[0].numpy()
        assert mask.shape == out['data_samples'].img_shape == (6, 8)
        # rows of the crop above image row 4 are margins: the crop's first
        # image row y0 is readable from the image itself (values by row)
        y0 = int(out['inputs'][0, 0, 0]) // (8 * 3)
        expected = np.arange(y0, y0 + 6) >= 4
        np.testing.assert_array_equal(mask.all(axis=1), expected)
    resized = run([
        dict(type='PseudoLabelMargins', bottom=5),
        dict(type='Resize', scale=(4, 20), keep_ratio=False),
        dict(type='PackUDAInputs')
    ])['data_samples'].valid_pseudo_mask.data[0]
    assert resized.shape == (20, 4)
    assert resized[:10].all() and not resized[10:].any()


def test_without_margins_pack_is_pack_seg_inputs():
    out = run([dict(type='PackUDAInputs')])
    assert 'valid_pseudo_mask' not in out['data_samples']


def test_bad_margins_raise():
    with pytest.raises(ValueError, match='top must be an int >= 0'):
        run([dict(type='PseudoLabelMargins', top=-1)])
    with pytest.raises(ValueError, match='leave nothing'):
        run([dict(type='PseudoLabelMargins', top=5, bottom=5)])
