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
