"""LDR's label map (Eq. 3) and the one-hot maps of ground-truth labels."""
import pytest
import torch
import torch.nn.functional as F
from mmseg.models.utils import resize

from mmseg_uda.models.utils import one_hot_label_map, soft_label_map


def test_tends_to_the_one_hot_prediction_as_tau_goes_to_zero():
    torch.manual_seed(0)
    logits = torch.randn(2, 19, 8, 16)
    upsampled = resize(logits, size=(32, 64), mode='bilinear')
    one_hot = F.one_hot(upsampled.argmax(1), 19).permute(0, 3, 1, 2).float()
    errors = [(soft_label_map(logits, (32, 64), tau) - one_hot).abs().mean()
              for tau in (1., 0.1, 1e-2, 1e-3)]
    assert all(a > b for a, b in zip(errors, errors[1:]))
    assert errors[-1] < 1e-3
    omega = soft_label_map(logits, (32, 64), 1e-3)
    assert omega.shape == (2, 19, 32, 64)
    torch.testing.assert_close(omega.sum(1), torch.ones(2, 32, 64))
    # upsample first, then the tempered softmax (not the other way round)
    torch.testing.assert_close(
        soft_label_map(logits, (32, 64), 0.5),
        F.softmax(upsampled / 0.5, dim=1))


def test_carries_gradients_to_the_logits():
    torch.manual_seed(0)
    logits = (0.01 * torch.randn(1, 4, 4, 4)).requires_grad_()
    omega = soft_label_map(logits, (8, 8), 0.01)
    (omega * torch.randn_like(omega)).sum().backward()
    assert logits.grad is not None and logits.grad.abs().sum() > 0


def test_is_float32_under_autocast_where_fp16_would_overflow():
    logits = torch.tensor([[0., 100.]]).view(1, 2, 1, 1)
    assert torch.isinf((logits / 1e-3).half()).any()  # 1e5 > fp16 max
    with torch.autocast('cpu', dtype=torch.bfloat16):
        omega = soft_label_map(logits.bfloat16(), (2, 2), 1e-3)
    assert omega.dtype == torch.float32
    torch.testing.assert_close(omega[0, :, 0, 0], torch.tensor([0., 1.]))


def test_tau_must_be_positive():
    with pytest.raises(ValueError, match='tau must be positive'):
        soft_label_map(torch.zeros(1, 2, 2, 2), (2, 2), 0.)


def test_one_hot_leaves_ignored_pixels_empty():
    labels = torch.tensor([[[0, 2], [255, 1]]])
    one_hot = one_hot_label_map(labels.unsqueeze(1), 3)
    assert one_hot.shape == (1, 3, 2, 2)
    assert one_hot.dtype == torch.float32
    expected = torch.tensor([[[1., 0.], [0., 0.]], [[0., 0.], [0., 1.]],
                             [[0., 1.], [0., 0.]]])
    torch.testing.assert_close(one_hot[0], expected)


def test_one_hot_rejects_unknown_labels():
    with pytest.raises(ValueError, match=r'\[7\] are outside 0..2'):
        one_hot_label_map(torch.tensor([[[0, 7]]]), 3)
