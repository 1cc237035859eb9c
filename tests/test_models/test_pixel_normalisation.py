"""Preprocessed inputs <-> images (mmseg_uda.models.utils)."""
import pytest
import torch
from mmseg.models import SegDataPreProcessor

from mmseg_uda.models.utils.pixel_normalisation import (images_to_inputs,
                                                        inputs_to_images)

MEAN, STD = [123.675, 116.28, 103.53], [58.395, 57.12, 57.375]


@pytest.mark.parametrize('bgr_to_rgb', [True, False])
def test_round_trip_through_the_preprocessor(bgr_to_rgb):
    preprocessor = SegDataPreProcessor(
        mean=MEAN, std=STD, bgr_to_rgb=bgr_to_rgb)
    bgr = torch.randint(0, 256, (3, 5, 7), dtype=torch.uint8)
    inputs = preprocessor(dict(inputs=[bgr]), False)['inputs']
    assert torch.equal(inputs_to_images(inputs, preprocessor)[0], bgr)
    rgb = inputs_to_images(inputs, preprocessor, 'rgb', torch.float32)
    torch.testing.assert_close(rgb[0], bgr.flip(0).float())
    torch.testing.assert_close(
        images_to_inputs(rgb, preprocessor, 'rgb'), inputs)
    torch.testing.assert_close(
        images_to_inputs(bgr.float(), preprocessor), inputs[0])


def test_images_are_rounded_and_clamped():
    preprocessor = SegDataPreProcessor()  # no normalisation
    inputs = torch.tensor([-3., 0.4, 0.6, 254.5, 300.]).view(1, 1, 5)
    inputs = inputs.expand(3, 1, 5)
    images = inputs_to_images(inputs, preprocessor)
    assert images.dtype == torch.uint8
    assert images[0, 0].tolist() == [0, 0, 1, 254, 255]
    floats = inputs_to_images(inputs, preprocessor, dtype=torch.float32)
    assert floats[0, 0].tolist() == inputs[0, 0].tolist()


def test_unknown_channel_order_is_refused():
    with pytest.raises(ValueError, match="'bgr' or 'rgb'"):
        inputs_to_images(torch.zeros(3, 1, 1), SegDataPreProcessor(), 'hsv')
