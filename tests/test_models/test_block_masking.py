"""MIC's block masks and masked target inputs (mmseg_uda.models.utils)."""
import math

import pytest
import torch
from mmseg.models import SegDataPreProcessor
from mmseg.registry import MODELS

from mmseg_uda.models.utils import color_jitter, gaussian_blur
from mmseg_uda.models.utils.block_masking import (MaskedImageConsistency,
                                                  block_mask)
from mmseg_uda.models.utils.pixel_normalisation import (images_to_inputs,
                                                        inputs_to_images)

MEAN, STD = [123.675, 116.28, 103.53], [58.395, 57.12, 57.375]


def _generator(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _preprocessor() -> SegDataPreProcessor:
    return SegDataPreProcessor(mean=MEAN, std=STD, bgr_to_rgb=True)


@pytest.mark.parametrize('mask_ratio', [0.3, 0.7])
def test_masked_share_is_close_to_the_ratio(mask_ratio):
    # 100 images of 8 x 8 blocks: M = 6400 independent Bernoulli(r) cells
    # and, H and W being multiples of the block size, the masked pixel
    # share equals the masked cell share. Hoeffding: P(|share - r| >= t)
    # <= 2 exp(-2 M t^2) = 2 exp(-11.5) < 2e-5 for t = 0.03.
    mask = block_mask((100, 3, 64, 64), 8, mask_ratio, _generator(1))
    masked_share = 1. - mask.mean().item()
    assert abs(masked_share - mask_ratio) < 0.03


def test_kept_blocks_are_the_draws_above_the_ratio():
    # official semantics: a cell is kept where U[0, 1) > mask_ratio
    cells = torch.rand((2, 1, 2, 3), generator=_generator(3))
    mask = block_mask((2, 3, 4, 6), 2, 0.5, _generator(3))
    expected = (cells > 0.5).float()
    assert torch.equal(mask[:, :, ::2, ::2], expected)
    assert 0 < expected.sum() < expected.numel()  # a real mixture


def test_blocks_are_constant_and_aligned_to_the_grid():
    block = 4
    mask = block_mask((6, 1, 12, 16), block, 0.5, _generator(5))
    assert mask.shape == (6, 1, 12, 16)
    assert set(mask.unique().tolist()) == {0., 1.}
    for top in range(0, 12, block):
        for left in range(0, 16, block):
            cell = mask[:, :, top:top + block, left:left + block]
            assert torch.equal(cell, cell[:, :, :1, :1].expand_as(cell))
    # values change only across grid lines
    rows = (mask[:, :, 1:] != mask[:, :, :-1]).flatten(0, 1).any(0).any(1)
    cols = (mask[..., 1:] != mask[..., :-1]).flatten(0, 1).any(0).any(0)
    assert rows.nonzero().flatten().add(1).tolist() == [4, 8]
    assert cols.nonzero().flatten().add(1).tolist() == [4, 8, 12]


def test_sizes_that_are_no_multiple_of_the_block_size():
    # grid of ceil(10 / 4) x ceil(13 / 4) = 3 x 4 cells cropped to 10 x 13
    cells = torch.rand((3, 1, 3, 4), generator=_generator(7)) > 0.6
    mask = block_mask((3, 10, 13), 4, 0.6, _generator(7))
    assert mask.shape == (3, 1, 10, 13)
    expected = cells.float().repeat_interleave(4, 2).repeat_interleave(4, 3)
    assert torch.equal(mask, expected[:, :, :10, :13])
    # the cropped last row and column of cells keep their own draws
    assert torch.equal(mask[:, :, 8:, 12],
                       cells[:, :, 2, 3, None].float().expand(-1, -1, 2))


def test_block_larger_than_the_image_masks_whole_images():
    mask = block_mask((200, 1, 5, 3), 8, 0.5, _generator(11))
    per_image = mask.flatten(1)
    assert torch.equal(per_image, per_image[:, :1].expand_as(per_image))
    assert 0 < per_image[:, 0].sum() < 200


def test_seeded_generator_is_reproducible():
    first = block_mask((2, 3, 20, 24), 4, 0.7, _generator(13))
    again = block_mask((2, 3, 20, 24), 4, 0.7, _generator(13))
    other = block_mask((2, 3, 20, 24), 4, 0.7, _generator(14))
    assert torch.equal(first, again)
    assert not torch.equal(first, other)
    assert first.dtype == torch.float32
    assert first.device == torch.device('cpu')


def test_zero_ratio_keeps_everything():
    mask = block_mask((4, 3, 9, 9), 2, 0., _generator(0))
    assert torch.equal(mask, torch.ones(4, 1, 9, 9))


def test_without_augmentation_the_inputs_are_only_masked():
    mic = MaskedImageConsistency(
        block_size=4, mask_ratio=0.5, color_jitter=None, blur=None)
    inputs = torch.randn(2, 3, 10, 12, generator=_generator(21))
    masked = mic.masked_inputs(inputs, _preprocessor(), _generator(22))
    mask = block_mask(inputs.shape, 4, 0.5, _generator(22))
    assert torch.equal(masked, inputs * mask)
    # masked pixels are 0 in normalised space: the mean colour
    hidden = mask[:, 0] == 0
    assert hidden.any() and (~hidden).any()
    assert (masked.permute(1, 0, 2, 3)[:, hidden] == 0).all()
    images = inputs_to_images(masked, _preprocessor(), 'rgb', torch.float32)
    torch.testing.assert_close(
        images.permute(1, 0, 2, 3)[:, hidden][:, 0], torch.tensor(MEAN))


def test_augmentation_is_jitter_then_blur_in_image_space_then_mask():
    jitter = dict(strength=0.3, prob=1.0)
    blur = dict(prob=1.0, sigma_range=(0.5, 1.0))
    mic = MaskedImageConsistency(
        block_size=2, mask_ratio=0.5, color_jitter=jitter, blur=blur)
    preprocessor = _preprocessor()
    images = torch.rand(2, 3, 30, 20, generator=_generator(30))
    inputs = images_to_inputs(images * 255., preprocessor, 'rgb')
    masked = mic.masked_inputs(inputs, preprocessor, _generator(31))

    generator = _generator(31)
    expected = gaussian_blur(
        color_jitter(images, **jitter, generator=generator),
        **blur,
        generator=generator)
    expected = images_to_inputs(expected * 255., preprocessor, 'rgb')
    mask = block_mask(inputs.shape, 2, 0.5, generator)
    torch.testing.assert_close(masked, expected * mask, atol=1e-4, rtol=0)
    kept = mask.expand_as(inputs) == 1
    assert not torch.allclose(masked[kept], inputs[kept], atol=1e-2)
    assert (masked[~kept] == 0).all()


def test_defaults_are_mics_and_build_from_the_registry():
    mic = MODELS.build(dict(type='MaskedImageConsistency'))
    assert isinstance(mic, MaskedImageConsistency)
    assert (mic.block_size, mic.mask_ratio, mic.loss_weight) == (64, 0.7, 1.)
    assert mic.color_jitter == dict(strength=0.2, prob=0.8)
    assert mic.blur == dict(prob=0.5, sigma_range=(0.15, 1.15))
    assert list(mic.parameters()) == []
    # the defaults are not shared between instances
    mic.color_jitter['prob'] = 0.
    assert MaskedImageConsistency().color_jitter['prob'] == 0.8


@pytest.mark.parametrize('kwargs, match', [
    (dict(block_size=0), 'block_size'),
    (dict(block_size=-4), 'block_size'),
    (dict(block_size=2.5), 'block_size'),
    (dict(block_size=True), 'block_size'),
    (dict(mask_ratio=1.), 'mask_ratio'),
    (dict(mask_ratio=-0.1), 'mask_ratio'),
    (dict(loss_weight=-1.), 'loss_weight'),
    (dict(loss_weight=math.nan), 'loss_weight'),
    (dict(color_jitter=0.2), 'color_jitter'),
    (dict(blur=True), 'blur'),
])
def test_bad_settings_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MaskedImageConsistency(**kwargs)


def test_bad_mask_arguments_are_refused():
    with pytest.raises(ValueError, match='block_size'):
        block_mask((1, 3, 8, 8), 0, 0.5)
    with pytest.raises(ValueError, match='mask_ratio'):
        block_mask((1, 3, 8, 8), 4, 1.5)
    with pytest.raises(ValueError, match='shape'):
        block_mask((8, 8), 4, 0.5)
    mic = MaskedImageConsistency(color_jitter=None, blur=None)
    with pytest.raises(ValueError, match='inputs'):
        mic.masked_inputs(torch.zeros(3, 8, 8), _preprocessor())
