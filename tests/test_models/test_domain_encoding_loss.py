"""DomainEncodingLoss against values computed by hand (K = 2 classes).

Shared numbers:

- class logits ``z = [5.4, 0]``: ``z / T = [3, 0]`` with ``T = 1.8``, so
  ``softmax(z / T) = [0.952574, 0.047426]``; clipped at 0.9 it is
  ``a = [0.9, 0.047426]`` (not renormalised). Untempered,
  ``softmax(z) = [0.995504, 0.004496]``: confident (>= 0.9), argmax 0.
- class logits ``z = [0.5, 0]``: ``softmax(z)[0] = 0.622459`` < 0.9.
- discriminator logits ``[ln 4, ln 2, 0, 0]`` (channels: source class 0,
  source class 1, target class 0, target class 1): softmax
  ``P = [4, 2, 1, 1] / 8 = [0.5, 0.25, 0.125, 0.125]``.
- discriminator logits ``[0, 0, 0, 0]``: ``P = 0.25`` everywhere.
"""
import math

import pytest
import torch

from mmseg_uda.models import DomainEncodingLoss

LN2, LN4, LN8 = math.log(2), math.log(4), math.log(8)


def pixel_map(*pixels):
    """``(1, C, 1, len(pixels))`` tensor from per-pixel channel vectors."""
    return torch.tensor(pixels, dtype=torch.float32).t()[None, :, None, :]


CONFIDENT = [5.4, 0.]
UNSURE = [0.5, 0.]
D_SKEWED = [LN4, LN2, 0., 0.]
D_UNIFORM = [0., 0., 0., 0.]


def test_soft_encoding_is_clipped_tempered_softmax():
    loss = DomainEncodingLoss('soft', temperature=1.8, clip_threshold=0.9)
    encoding, keep = loss.domain_encoding(pixel_map(CONFIDENT), 'source')
    torch.testing.assert_close(
        encoding.flatten(),
        torch.tensor([0.9, 0.047426, 0., 0.]),
        atol=1e-6,
        rtol=0)
    assert keep.all()
    encoding, _ = loss.domain_encoding(pixel_map(CONFIDENT), 'target')
    torch.testing.assert_close(
        encoding.flatten(),
        torch.tensor([0., 0., 0.9, 0.047426]),
        atol=1e-6,
        rtol=0)


def test_soft_discriminator_and_adversarial_losses_by_hand():
    loss = DomainEncodingLoss('soft', temperature=1.8, clip_threshold=0.9)
    disc, cls = pixel_map(D_SKEWED), pixel_map(CONFIDENT)
    # Eq. 5, source term: -(0.9 ln 0.5 + 0.047426 ln 0.25)
    #                    = 0.623832 + 0.065746 = 0.689579
    torch.testing.assert_close(
        loss(disc, cls, 'source'), torch.tensor(0.689579), atol=1e-5, rtol=0)
    # Eq. 5, target term: -(0.9 + 0.047426) ln 0.125 = 1.970117
    torch.testing.assert_close(
        loss(disc, cls, 'target'), torch.tensor(1.970117), atol=1e-5, rtol=0)
    # Eq. 6: target features encoded as source, the same 0.689579; the
    # loss_weight multiplies it (lambda_adv = 0.001).
    adv = DomainEncodingLoss('soft', loss_weight=0.001)
    torch.testing.assert_close(
        adv(disc, cls, 'source'), torch.tensor(0.000689579), atol=1e-8, rtol=0)


def test_soft_loss_without_clipping_and_pixel_mean():
    unclipped = DomainEncodingLoss('soft', clip_threshold=None)
    # -(0.952574 ln 0.5 + 0.047426 ln 0.25) = 0.660274 + 0.065746
    torch.testing.assert_close(
        unclipped(pixel_map(D_SKEWED), pixel_map(CONFIDENT), 'source'),
        torch.tensor(0.726020),
        atol=1e-5,
        rtol=0)
    # Two pixels: the second has z = [0, 0] -> a = [0.5, 0.5] and uniform
    # D: -(0.5 ln 0.25 + 0.5 ln 0.25) = 1.386294; the mean over pixels is
    # (0.689579 + 1.386294) / 2 = 1.037936.
    loss = DomainEncodingLoss('soft')
    torch.testing.assert_close(
        loss(
            pixel_map(D_SKEWED, D_UNIFORM), pixel_map(CONFIDENT, [0., 0.]),
            'source'),
        torch.tensor(1.037936),
        atol=1e-5,
        rtol=0)


def test_hard_discriminator_and_adversarial_losses_by_hand():
    loss = DomainEncodingLoss('hard', confidence_threshold=0.9)
    disc, cls = pixel_map(D_SKEWED), pixel_map(CONFIDENT)
    # one-hot [1, 0]: source -ln 0.5, target -ln 0.125
    torch.testing.assert_close(loss(disc, cls, 'source'), torch.tensor(LN2))
    torch.testing.assert_close(loss(disc, cls, 'target'), torch.tensor(LN8))
    encoding, keep = loss.domain_encoding(cls, 'target')
    assert encoding.flatten().tolist() == [0., 0., 1., 0.]
    assert keep.all()


def test_hard_labels_ignore_unconfident_pixels():
    disc = pixel_map(D_SKEWED, D_UNIFORM)
    cls = pixel_map(CONFIDENT, UNSURE)
    # 0.622 < 0.9: only the first pixel counts, mean over kept pixels
    thresholded = DomainEncodingLoss('hard', confidence_threshold=0.9)
    torch.testing.assert_close(
        thresholded(disc, cls, 'source'), torch.tensor(LN2))
    encoding, keep = thresholded.domain_encoding(cls, 'source')
    assert keep.flatten().tolist() == [True, False]
    assert encoding[0, :, 0, 1].tolist() == [0., 0., 0., 0.]
    # threshold 0 keeps both: (ln 2 + ln 4) / 2 = 1.039721
    keep_all = DomainEncodingLoss('hard', confidence_threshold=0.)
    torch.testing.assert_close(
        keep_all(disc, cls, 'source'),
        torch.tensor(1.039721),
        atol=1e-6,
        rtol=0)
    # no confident pixel at all: zero loss that still backpropagates
    disc = pixel_map(D_UNIFORM).requires_grad_()
    zero = thresholded(disc, pixel_map(UNSURE), 'source')
    assert zero.item() == 0.
    zero.backward()
    assert torch.equal(disc.grad, torch.zeros_like(disc))


def test_gradients_reach_the_discriminator_not_the_classifier():
    disc = pixel_map(D_SKEWED).requires_grad_()
    cls = pixel_map(CONFIDENT).requires_grad_()
    DomainEncodingLoss('soft')(disc, cls, 'source').backward()
    assert cls.grad is None
    # d/dD_k of -sum_j e_j log softmax(D)_j = P_k * sum(e) - e_k
    expected = (
        torch.tensor([0.5, 0.25, 0.125, 0.125]) * 0.947426 -
        torch.tensor([0.9, 0.047426, 0., 0.]))
    torch.testing.assert_close(
        disc.grad.flatten(), expected, atol=1e-6, rtol=0)


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match='label_type'):
        DomainEncodingLoss('binary')
    with pytest.raises(ValueError, match='temperature'):
        DomainEncodingLoss(temperature=0.)
    loss = DomainEncodingLoss()
    with pytest.raises(ValueError, match='2 x classes'):
        loss(torch.zeros(1, 3, 2, 2), torch.zeros(1, 2, 2, 2), 'source')
    with pytest.raises(ValueError, match='differ in size'):
        loss(torch.zeros(1, 4, 2, 2), torch.zeros(1, 2, 4, 4), 'source')
    with pytest.raises(ValueError, match='domain'):
        loss(torch.zeros(1, 4, 2, 2), torch.zeros(1, 2, 2, 2), 'real')


def test_domain_accuracy_compares_the_two_halves():
    loss = DomainEncodingLoss('soft')
    # pixel 1: source half 0.75 (D_SKEWED); pixel 2: 0.5 each (a tie counts
    # as wrong); pixel 3: target half 0.75; pixel 4: source half, by the
    # summed mass although the largest channel is a target one
    logits = pixel_map(D_SKEWED, D_UNIFORM, [0., 0., LN4, LN2],
                       [LN2, LN2, LN2 + 0.1, -10.])
    assert loss.domain_accuracy(logits, 'source').item() == pytest.approx(0.5)
    assert loss.domain_accuracy(logits, 'target').item() == pytest.approx(0.25)
    with pytest.raises(ValueError, match='domain'):
        loss.domain_accuracy(logits, 'both')


def test_knowledge_statistics_by_hand():
    uniform, peaked = [0., 0.], [5.4, 0.]
    soft = DomainEncodingLoss('soft', temperature=1.8, clip_threshold=0.9)
    stats = soft.knowledge_statistics(pixel_map(uniform, peaked))
    # a = [0.5, 0.5] -> entropy log 2 (normalised: 1); a = [0.9, 0.047426]
    # renormalised: p = 0.949942 -> H = 0.198948 nats = 0.287023 of log 2
    p = 0.9 / (0.9 + 0.047426)
    h = -(p * math.log(p) + (1 - p) * math.log(1 - p)) / LN2
    assert stats['kept'].item() == 1.
    assert stats['entropy'].item() == pytest.approx((1 + h) / 2, rel=1e-5)
    # hard labels keep the confident pixel only, whose one-hot says all
    hard = DomainEncodingLoss('hard', confidence_threshold=0.9)
    stats = hard.knowledge_statistics(pixel_map(UNSURE, CONFIDENT))
    assert stats['kept'].item() == 0.5 and stats['entropy'].item() == 0.
    stats = hard.knowledge_statistics(pixel_map(UNSURE))
    assert stats['kept'].item() == 0. and stats['entropy'].item() == 0.
