"""UDAVisualizationHook writes batch images through a local backend."""
import os
from types import SimpleNamespace

import cv2
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.models import SegDataPreProcessor
from mmseg.registry import MODELS
from mmseg.visualization import SegLocalVisualizer
from uda_test_utils import make_uda_batch, toy_segmentor_cfg

from mmseg_uda.engine.hooks import UDAVisualizationHook

HEIGHT, WIDTH = 32, 64
CLASSES = tuple(f'class{i}' for i in range(19))


def _visualizer(tmp_path):
    return SegLocalVisualizer(
        name=f'vis_{tmp_path.name}',
        vis_backends=[dict(type='LocalVisBackend')],
        save_dir=str(tmp_path))


def _runner(tmp_path, model, iteration):
    return SimpleNamespace(
        model=model,
        iter=iteration,
        visualizer=_visualizer(tmp_path),
        train_dataloader=SimpleNamespace(
            dataset=SimpleNamespace(metainfo=dict(classes=CLASSES))))


def _images(tmp_path):
    folder = tmp_path / 'vis_data' / 'vis_image'
    if not folder.is_dir():
        return {}
    return {
        name: cv2.imread(str(folder / name))
        for name in sorted(os.listdir(folder))
    }


@pytest.fixture
def self_training_model():
    model = MODELS.build(
        dict(type='SelfTraining', segmentor=toy_segmentor_cfg()))
    model.init_weights()
    return model


def _batch_with_pseudo_labels():
    batch = make_uda_batch(batch_size=2, size=(HEIGHT, WIDTH))
    for sample in batch['target']['data_samples']:
        label = torch.full((1, HEIGHT, WIDTH), 255, dtype=torch.long)
        label[:, :, :WIDTH // 2] = 3
        sample.gt_sem_seg = PixelData(data=label)
    return batch


def test_draws_every_interval_with_labels_and_predictions(
        tmp_path, self_training_model):
    hook = UDAVisualizationHook(interval=5, max_images=2)
    batch = _batch_with_pseudo_labels()
    runner = _runner(tmp_path, self_training_model, iteration=3)
    hook.after_train_iter(runner, 3, data_batch=batch)
    assert _images(tmp_path) == {}  # iteration 4 is not a multiple of 5

    runner.iter = 4
    self_training_model.train()
    hook.after_train_iter(runner, 4, data_batch=batch)
    images = _images(tmp_path)
    assert sorted(images) == [
        'train_source_0_5.png', 'train_source_1_5.png', 'train_target_0_5.png',
        'train_target_1_5.png'
    ]
    # input | label (source ground truth / target pseudo label) | prediction
    for image in images.values():
        assert image.shape == (HEIGHT, 3 * WIDTH, 3)
    # the first panel is the input itself (BGR as loaded, written as BGR)
    source = batch['source']['inputs'][0].permute(1, 2, 0).numpy()
    assert (images['train_source_0_5.png'][:, :WIDTH] == source).all()
    # the label panel colours the labelled half only; the ignored half is
    # the input dimmed by the overlay's alpha
    target = batch['target']['inputs'][0].permute(1, 2, 0).numpy()
    dimmed = target.astype(float) * (1 - runner.visualizer.alpha)
    label_panel = images['train_target_0_5.png'][:, WIDTH:2 * WIDTH]
    half = WIDTH // 2
    assert abs(label_panel[:, half:] - dimmed[:, half:]).max() <= 1
    assert abs(label_panel[:, :half] - dimmed[:, :half]).max() > 1
    assert self_training_model.training  # the mode is restored


def test_unlabelled_target_shows_input_and_prediction(tmp_path,
                                                      self_training_model):
    hook = UDAVisualizationHook(interval=1)
    batch = make_uda_batch(batch_size=1, size=(HEIGHT, WIDTH))
    hook.after_train_iter(
        _runner(tmp_path, self_training_model, 0), 0, data_batch=batch)
    images = _images(tmp_path)
    assert images['train_source_1.png'].shape == (HEIGHT, 3 * WIDTH, 3)
    assert images['train_target_1.png'].shape == (HEIGHT, 2 * WIDTH, 3)


class NegatingTranslator(torch.nn.Module):
    """A stand-in translator: negates the normalised image."""
    direction = 'source_to_target'

    def __init__(self):
        super().__init__()
        self.data_preprocessor = SegDataPreProcessor(
            mean=[127.5] * 3, std=[127.5] * 3, bgr_to_rgb=True)

    def translate(self, inputs):
        return -inputs


def test_translations_are_drawn(tmp_path):
    hook = UDAVisualizationHook(interval=1)
    batch = make_uda_batch(batch_size=1, size=(HEIGHT, WIDTH))
    hook.after_train_iter(
        _runner(tmp_path, NegatingTranslator(), 0), 0, data_batch=batch)
    images = _images(tmp_path)
    # a bare translator cannot predict: the source shows image | label,
    # the unlabelled target nothing, and the translation input | output
    assert sorted(images) == [
        'train_source_1.png', 'train_source_translated_1.png'
    ]
    assert images['train_source_1.png'].shape == (HEIGHT, 2 * WIDTH, 3)
    image = images['train_source_translated_1.png']
    source = batch['source']['inputs'][0].permute(1, 2, 0).numpy()
    assert (image[:, :WIDTH] == source).all()
    # -x in [-1, 1] is 255 - x in pixels (up to rounding)
    translated = image[:, WIDTH:].astype(int)
    assert abs(translated - (255 - source.astype(int))).max() <= 1


def test_plain_batches_and_bad_arguments(tmp_path, self_training_model):
    batch = make_uda_batch(batch_size=1, size=(HEIGHT, WIDTH))['source']
    UDAVisualizationHook(interval=1).after_train_iter(
        _runner(tmp_path, self_training_model.model, 0), 0, data_batch=batch)
    assert list(_images(tmp_path)) == ['train_train_1.png']
    with pytest.raises(ValueError, match='translate_domain'):
        UDAVisualizationHook(translate_domain='other')
    with pytest.raises(ValueError, match='interval'):
        UDAVisualizationHook(interval=0)
