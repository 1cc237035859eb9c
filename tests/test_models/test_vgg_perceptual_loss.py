"""The VGG19 perceptual loss of LDR's Eq. 5 (pix2pixHD's VGGLoss)."""
import pytest
import torch
import torch.nn as nn

from mmseg_uda.models import VGGPerceptualLoss
from mmseg_uda.models.losses.vgg_perceptual_loss import (IMAGENET_MEAN,
                                                         IMAGENET_STD)
from mmseg_uda.models.utils import VGG19Features

#: VGG19's first two stages: conv1_1 (index 0), conv1_2 (1), pool (2),
#: conv2_1 (3) in mmpretrain's layout; torchvision's features 0, 2, 5.
CONVS = {0: (3, 64), 1: (64, 64), 3: (64, 128)}
TORCHVISION = {0: 0, 1: 2, 3: 5}


def center_tap_weights(seed=0):
    """3x3 kernels with only the centre tap: a constant image stays
    constant through every conv, so the features are hand-computable."""
    generator = torch.Generator().manual_seed(seed)
    weights = {}
    for index, (cin, cout) in CONVS.items():
        matrix = torch.randn(cout, cin, generator=generator) / cin**0.5
        kernel = torch.zeros(cout, cin, 3, 3)
        kernel[:, :, 1, 1] = matrix
        weights[index] = (kernel, 0.1 * torch.randn(cout, generator=generator))
    return weights


def save_checkpoint(path, weights, layout):
    state = {}
    for index, (kernel, bias) in weights.items():
        if layout == 'mmpretrain':
            prefix = f'backbone.features.{index}.conv.'
        else:
            prefix = f'features.{TORCHVISION[index]}.'
        state[prefix + 'weight'], state[prefix + 'bias'] = kernel, bias
    # deeper layers and the classifier are ignored
    state['backbone.classifier.0.weight'] = torch.zeros(2, 2)
    torch.save(dict(state_dict=state) if layout == 'mmpretrain' else state,
               path)


def hand_loss(weights, fake_value, real_value, layer_weights):
    """The loss of two constant images, by matrix products per pixel."""

    def features(value):
        rgb = torch.full((3, ), (value + 1) * 127.5)
        x = (rgb - torch.tensor(IMAGENET_MEAN)) / torch.tensor(IMAGENET_STD)
        outs = []
        for index in (0, 1, 3):
            kernel, bias = weights[index]
            x = torch.relu(kernel[:, :, 1, 1] @ x + bias)
            if index in (0, 3):  # relu1_1, relu2_1
                outs.append(x)
        return outs

    return sum(w * (a - b).abs().mean() for w, a, b in zip(
        layer_weights, features(fake_value), features(real_value)))


@pytest.mark.parametrize('layout', ['mmpretrain', 'torchvision'])
def test_hand_computed_on_constant_images(tmp_path, layout):
    weights = center_tap_weights()
    checkpoint = str(tmp_path / 'vgg19.pth')
    save_checkpoint(checkpoint, weights, layout)
    layer_weights = (1 / 32, 1 / 16)
    loss = VGGPerceptualLoss(
        pretrained=checkpoint, layer_weights=layer_weights, loss_weight=2.)
    loss.init_weights()
    fake = torch.full((2, 3, 16, 24), 0.3)
    real = torch.full((2, 3, 16, 24), -0.6)
    expected = 2. * hand_loss(weights, 0.3, -0.6, layer_weights)
    torch.testing.assert_close(loss(fake, real), expected)


def test_pix2pixhd_layers_and_weights():
    loss = VGGPerceptualLoss(pretrained=None, base_channels=4)
    assert loss.layer_weights == (1 / 32, 1 / 16, 1 / 8, 1 / 4, 1.)
    # relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 of VGG19
    assert loss.vgg.tap_indices == [0, 3, 6, 11, 16]
    convs = [m for m in loss.vgg.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == 2 + 2 + 4 + 4 + 1


def test_the_vgg_is_frozen_and_not_saved():
    loss = VGGPerceptualLoss(pretrained=None, base_channels=4)
    assert list(loss.state_dict()) == []
    assert list(loss.parameters()) == []
    assert all(not p.requires_grad for p in loss.vgg.parameters())
    fake = torch.rand(1, 3, 32, 32, requires_grad=True)
    loss(fake, torch.rand(1, 3, 32, 32)).backward()
    assert fake.grad is not None
    assert all(p.grad is None for p in loss.vgg.parameters())
    loss.train()
    assert not loss.vgg.training
    loss.to(torch.float64)  # moves (casts) the hidden VGG with the loss
    assert all(p.dtype == torch.float64 for p in loss.vgg.parameters())


def test_random_weights_are_fixed_by_their_seed():
    torch.manual_seed(1)
    a = VGGPerceptualLoss(pretrained=None, base_channels=4)
    torch.manual_seed(2)
    b = VGGPerceptualLoss(pretrained=None, base_channels=4)
    c = VGGPerceptualLoss(pretrained=None, base_channels=4, random_seed=5)
    weights = [list(m.vgg.parameters())[0] for m in (a, b, c)]
    torch.testing.assert_close(weights[0], weights[1])
    assert not torch.equal(weights[0], weights[2])


def test_missing_weights_say_how_to_get_them(tmp_path):
    loss = VGGPerceptualLoss(
        pretrained=str(tmp_path / 'vgg19_imagenet.pth'),
        layer_weights=(1., ))
    with pytest.raises(FileNotFoundError) as error:
        loss.init_weights()
    message = str(error.value)
    assert 'vgg19_batch256_imagenet' in message
    assert 'torchvision.models.vgg19' in message
    assert 'model.perceptual_loss.pretrained=None' in message


def test_a_checkpoint_without_vgg_weights_is_an_error(tmp_path):
    checkpoint = str(tmp_path / 'other.pth')
    torch.save(dict(state_dict={'backbone.conv1.weight': torch.zeros(1)}),
               checkpoint)
    loss = VGGPerceptualLoss(pretrained=checkpoint, layer_weights=(1., ))
    with pytest.raises(KeyError, match='no VGG19 checkpoint'):
        loss.init_weights()


def test_imagenet_weights_need_the_vgg19_width():
    with pytest.raises(ValueError, match='base_channels=64'):
        VGGPerceptualLoss(pretrained='x.pth', base_channels=16)
    with pytest.raises(ValueError, match='num_stages'):
        VGG19Features(num_stages=6)
