import math

import pytest
import torch

from mmseg_uda.models import GANLoss


def test_vanilla_gan_loss_is_bce_with_logits():
    loss = GANLoss('vanilla')
    logits = torch.tensor([0., 2.])
    # -log(sigmoid(0)) = log 2; -log(sigmoid(2)) = log(1 + e^-2)
    expected = (math.log(2) + math.log(1 + math.exp(-2))) / 2
    assert loss(logits, 1.).item() == pytest.approx(expected, rel=1e-6)
    # label 0: -log(1 - sigmoid(x)) = log(1 + e^x)
    expected0 = (math.log(2) + math.log(1 + math.exp(2))) / 2
    assert loss(logits, 0.).item() == pytest.approx(expected0, rel=1e-6)


def test_lsgan_loss_is_mse_and_weighted():
    loss = GANLoss('lsgan', loss_weight=0.5)
    pred = torch.tensor([0.5, 2.])
    # ((0.5 - 1)^2 + (2 - 1)^2) / 2 * 0.5
    assert loss(pred, 1.).item() == pytest.approx(0.3125)


def test_unknown_gan_type():
    with pytest.raises(ValueError, match='gan_type'):
        GANLoss('wgan')


@pytest.mark.parametrize('gan_type', ['vanilla', 'lsgan'])
def test_per_pixel_weight(gan_type):
    """CLAN / CIRN Eq. 7: mean over pixels of weight * loss."""
    loss = GANLoss(gan_type, loss_weight=2.)
    pred = torch.tensor([0., 2., -1.]).view(1, 1, 1, 3)
    weight = torch.tensor([0.4, 40.4, 1.]).view(1, 1, 1, 3)
    if gan_type == 'vanilla':  # label 0: -log(1 - sigmoid(x))
        per_pixel = [math.log(1 + math.exp(x)) for x in (0., 2., -1.)]
    else:
        per_pixel = [x**2 for x in (0., 2., -1.)]
    expected = 2. * (0.4 * per_pixel[0] + 40.4 * per_pixel[1] +
                     1. * per_pixel[2]) / 3
    assert loss(pred, 0., weight).item() == pytest.approx(expected, rel=1e-6)
    # a weight of ones is the unweighted loss
    torch.testing.assert_close(
        loss(pred, 0., torch.ones(1, 1, 1, 1)), loss(pred, 0.))


def test_weight_must_broadcast_to_the_logits():
    loss = GANLoss('vanilla')
    with pytest.raises(ValueError, match='does not broadcast'):
        loss(torch.zeros(1, 1, 4, 4), 1., torch.ones(2, 1, 4, 4))


@pytest.mark.parametrize(
    'gan_type, outputs, expected',
    [
        # vanilla: sigmoid > 0.5 (logit > 0) is "source" (label 1); a logit of
        # exactly 0 is as near one label as the other and counts as wrong
        ('vanilla', [2., -1., 0.5, 3., 0.], dict(source=0.6, target=0.2)),
        # lsgan: the raw output nearer 1 or nearer 0 (0.5 is a tie)
        ('lsgan', [0.9, 0.2, 0.5, 1.7, -0.4], dict(source=0.4, target=0.4)),
    ])
def test_accuracy_on_hand_made_outputs(gan_type, outputs, expected):
    loss = GANLoss(gan_type)
    pred = torch.tensor(outputs, requires_grad=True).view(1, 1, 1, 5)
    source = loss.accuracy(pred, 1., 0.)
    target = loss.accuracy(pred, 0., 1.)
    assert source.item() == pytest.approx(expected['source'])
    assert target.item() == pytest.approx(expected['target'])
    assert not source.requires_grad and source.dtype == torch.float32
    # the official code's labels (source 0, target 1) swap the sides
    assert loss.accuracy(pred, 0.,
                         1.).item() == pytest.approx(expected['target'])
