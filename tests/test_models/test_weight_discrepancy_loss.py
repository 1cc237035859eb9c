import pytest
import torch

from mmseg_uda.models import WeightDiscrepancyLoss


def test_identical_orthogonal_and_opposite_weights():
    loss = WeightDiscrepancyLoss(loss_weight=0.02)
    weight = torch.tensor([[1., 2.], [0., -1.]])
    bias = torch.tensor([3.])
    # identical classifiers: cos = 1 -> 2 * loss_weight
    assert loss([weight, bias], [weight.clone(), bias.clone()]).item() == (
        pytest.approx(0.04))
    # orthogonal: (1, 2, 0, -1, 3) . (2, -1, 5, 0, 0) = 0 -> loss_weight
    other = [torch.tensor([[2., -1.], [5., 0.]]), torch.tensor([0.])]
    assert loss([weight, bias], other).item() == pytest.approx(0.02)
    # opposite: cos = -1 -> 0
    assert loss([weight, bias], [-weight, -bias]).item() == pytest.approx(
        0., abs=1e-7)


def test_all_parameters_are_flattened_together():
    """One cosine of the concatenated vectors, not a mean of per-tensor
    cosines (CLAN's code)."""
    loss = WeightDiscrepancyLoss()
    a = [torch.tensor([1., 0.]), torch.tensor([0., 1.])]
    b = [torch.tensor([1., 0.]), torch.tensor([0., -3.])]
    # (1, 0, 0, 1) . (1, 0, 0, -3) / (sqrt(2) sqrt(10)) = -2 / sqrt(20)
    expected = 1 - 2 / 20**0.5
    assert loss(a, b).item() == pytest.approx(expected)


def test_gradient_pushes_the_classifiers_apart():
    torch.manual_seed(0)
    a = torch.randn(10, requires_grad=True)
    b = (a.detach() + 0.1 * torch.randn(10)).requires_grad_()
    loss = WeightDiscrepancyLoss()
    before = loss([a], [b])
    before.backward()
    with torch.no_grad():
        a -= 0.5 * a.grad
        b -= 0.5 * b.grad
    assert loss([a], [b]) < before


def test_different_architectures_raise():
    loss = WeightDiscrepancyLoss()
    with pytest.raises(ValueError, match='same architecture'):
        loss([torch.ones(2, 3)], [torch.ones(3, 2)])
    with pytest.raises(ValueError, match='same architecture'):
        loss([], [])
