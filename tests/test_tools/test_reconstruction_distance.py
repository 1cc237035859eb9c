"""tools/analysis_tools/reconstruction_distance.py on the tiny toy data."""
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmseg.registry import MODELS
from uda_test_utils import REPO_ROOT, load_tool

PRETRAINING = osp.join(REPO_ROOT,
                       'configs/ldr/ldr_recon-pretrain_toy-gta5.py')


tool = load_tool('analysis_tools/reconstruction_distance')


@pytest.fixture
def untrained_checkpoint(tmp_path):
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(PRETRAINING).model)
    model.init_weights()
    path = str(tmp_path / 'recon.pth')
    torch.save(dict(state_dict=model.state_dict()), path)
    return path


def test_class_mean_image_paints_each_class():
    means = torch.tensor([[255., 0., 0.], [0., 127.5, 255.]])
    labels = torch.tensor([[[0, 1], [255, 1]]])
    image = tool.class_mean_image(labels, means)
    assert image.shape == (1, 3, 2, 2)
    torch.testing.assert_close(image[0, :, 0, 0], torch.tensor([1., -1., -1.]))
    torch.testing.assert_close(image[0, :, 0, 1], torch.tensor([-1., 0., 1.]))


def test_an_untrained_m_is_worse_than_the_class_means(
        toy_workspace, untrained_checkpoint, tmp_path, monkeypatch):
    monkeypatch.chdir(toy_workspace)
    out = str(tmp_path / 'distance.json')
    results = tool.main([PRETRAINING, untrained_checkpoint, '--out', out])
    assert set(results) == {'M', 'class_mean'}
    for values in results.values():
        assert values['l1'] > 0 and values['perceptual'] > 0
    assert results['class_mean']['l1'] < results['M']['l1']
    with open(out) as f:
        assert json.load(f) == results


def test_a_perfect_reconstruction_is_at_distance_zero(
        toy_workspace, untrained_checkpoint, monkeypatch):
    monkeypatch.chdir(toy_workspace)
    batch = tool.Reconstructions.batch

    def perfect(self, data):
        real, labels, _ = batch(self, data)
        return real, labels, real.clone()

    monkeypatch.setattr(tool.Reconstructions, 'batch', perfect)
    results = tool.main([PRETRAINING, untrained_checkpoint])
    assert results['M'] == dict(l1=0., perceptual=0.)
    assert results['class_mean']['l1'] > 0
