import pytest
import torch
import torch.nn.functional as F

from mmseg_uda.models import SegPerceptualLoss, SemanticConsistencyLoss


def test_perceptual_loss_weights_translation_and_reconstruction():
    real = torch.zeros(2, 19, 4, 4)
    loss = SegPerceptualLoss()  # paper: L1, lambda_per 0.1, recon 10
    terms = loss(real, real + 2., real - 0.5)
    torch.testing.assert_close(terms['translation'], torch.tensor(0.1 * 2.))
    torch.testing.assert_close(terms['reconstruction'], torch.tensor(10 * 0.5))
    mse = SegPerceptualLoss(criterion='mse')(real, real + 2., real - 0.5)
    torch.testing.assert_close(mse['translation'], torch.tensor(0.1 * 4.))
    torch.testing.assert_close(mse['reconstruction'], torch.tensor(10 * 0.25))


def test_instance_norm_ignores_per_channel_gain_and_offset():
    torch.manual_seed(0)
    real = torch.randn(2, 19, 8, 8)
    gain = torch.rand(1, 19, 1, 1) + 0.5
    shifted = real * gain + torch.randn(1, 19, 1, 1)
    raw = SegPerceptualLoss(criterion='mse')(real, shifted, shifted)
    normed = SegPerceptualLoss(
        criterion='mse', instance_norm=True)(real, shifted, shifted)
    assert raw['translation'] > 0.01
    assert normed['translation'] < 1e-6
    assert normed['reconstruction'] < 1e-4
    # ... but it still sees a different spatial layout
    moved = SegPerceptualLoss(
        criterion='mse', instance_norm=True)(real, real.flip(3), real)
    assert moved['translation'] > 0.01


def test_perceptual_loss_rejects_unknown_criteria():
    with pytest.raises(ValueError, match='criterion'):
        SegPerceptualLoss(criterion='l2')


def test_semantic_loss_is_upsampled_cross_entropy_over_labelled_pixels():
    torch.manual_seed(0)
    logits = torch.randn(2, 5, 4, 6)
    labels = torch.randint(0, 5, (2, 8, 12))
    labels[0, :4] = 255
    loss = SemanticConsistencyLoss(loss_weight=2.)(logits, labels)
    up = F.interpolate(
        logits, size=(8, 12), mode='bilinear', align_corners=False)
    valid = labels != 255
    per_pixel = F.cross_entropy(up, labels.clamp(max=4), reduction='none')
    torch.testing.assert_close(loss, 2. * per_pixel[valid].mean())


def test_semantic_loss_is_small_for_confident_correct_predictions():
    labels = torch.randint(0, 3, (1, 4, 4))
    logits = F.one_hot(labels, 3).permute(0, 3, 1, 2).float() * 20
    assert SemanticConsistencyLoss()(logits, labels) < 1e-6
    assert SemanticConsistencyLoss()(-logits, labels) > 10


def test_semantic_loss_without_labelled_pixels_is_zero_not_nan():
    loss = SemanticConsistencyLoss()(torch.randn(1, 3, 2, 2),
                                     torch.full((1, 4, 4), 255))
    assert loss == 0
