import math

import pytest
import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from mmseg_uda.models.losses import FeatureDistanceLoss
from mmseg_uda.models.losses.feature_distance_loss import \
    downscale_label_by_majority

ROAD, CAR, IGNORE = 0, 13, 255


@MODELS.register_module(force=True)
class TinyStride4Encoder(BaseModule):
    """Two feature levels: stride 2 and stride 4."""

    def __init__(self, channels=3, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.conv1 = nn.Conv2d(3, channels, 2, stride=2)
        self.conv2 = nn.Conv2d(channels, channels, 2, stride=2)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        f1 = self.conv1(x)
        return f1, self.drop(self.conv2(f1))


def patch_labels():
    """(1, 8, 8) labels, 2 x 2 patches of 4 x 4 pixels:
    (0, 0) all car; (0, 1) 12 car + 4 road (ratio 0.75, kept);
    (1, 0) 11 car + 5 road (0.6875, dropped); (1, 1) all road."""
    labels = torch.full((1, 8, 8), ROAD, dtype=torch.long)
    labels[0, :4, :4] = CAR
    labels[0, :3, 4:] = CAR
    labels[0, 4:, :4] = CAR
    labels[0, 4, :4] = ROAD
    labels[0, 5, 0] = ROAD
    return labels


def test_downscale_label_by_majority():
    small = downscale_label_by_majority(patch_labels(), (2, 2), 19)
    assert small.tolist() == [[[CAR, CAR], [IGNORE, ROAD]]]
    # the ratio is a threshold: at 0.7 the 11/16 patch is still dropped,
    # at 0.6 it is kept
    small = downscale_label_by_majority(patch_labels()[:, None], (2, 2), 19,
                                        min_ratio=0.6)
    assert small.tolist() == [[[CAR, CAR], [CAR, ROAD]]]
    # ignored pixels vote as a value of their own
    labels = torch.full((1, 4, 4), IGNORE, dtype=torch.long)
    labels[0, 0] = CAR
    assert downscale_label_by_majority(labels, (1, 1),
                                       19).tolist() == [[[IGNORE]]]
    with pytest.raises(ValueError, match='outside'):
        downscale_label_by_majority(labels.fill_(19), (1, 1), 19)


def build_loss(**kwargs):
    loss = MODELS.build(
        dict(
            type='FeatureDistanceLoss',
            encoder=dict(
                type='TinyStride4Encoder',
                init_cfg=dict(type='Normal', std=0.5, layer='Conv2d')),
            **kwargs))
    loss.init_weights()
    return loss


def test_mask_and_value_against_a_hand_computation():
    torch.manual_seed(0)
    loss = build_loss()
    assert isinstance(loss, FeatureDistanceLoss)
    inputs = torch.randn(1, 3, 8, 8)
    student = torch.randn(1, 3, 2, 2, requires_grad=True)
    frozen = loss.encoder(inputs)[-1].detach()
    mask = loss.mask(patch_labels(), (2, 2))
    assert mask.tolist() == [[[True, True], [False, False]]]
    distances = [
        math.sqrt(
            sum((student[0, k, i, j].item() - frozen[0, k, i, j].item())**2
                for k in range(3))) for i, j in ((0, 0), (0, 1))
    ]
    value = loss((torch.zeros(1), student), inputs, patch_labels())
    assert value.item() == pytest.approx(0.005 * sum(distances) / 2,
                                         rel=1e-5)
    value.backward()
    assert student.grad[0, :, 1].abs().sum() == 0  # masked out
    assert student.grad[0, :, 0].abs().sum() > 0
    # every position with classes=None but the ignored one
    loss_all = build_loss(classes=None, loss_weight=1.)
    loss_all.load_state_dict(loss.state_dict())
    frozen = loss_all.encoder(inputs)[-1]
    kept = [(0, 0), (0, 1), (1, 1)]
    expected = sum(
        torch.linalg.vector_norm(student[0, :, i, j] - frozen[0, :, i, j])
        for i, j in kept) / 3
    assert loss_all(student, inputs,
                    patch_labels()).item() == pytest.approx(expected.item())


def test_encoder_is_frozen_and_built_from_its_config():
    loss = build_loss()
    assert all(not p.requires_grad for p in loss.parameters())
    # the encoder's own init_cfg ran (weights are not PyTorch's default)
    assert loss.encoder.conv1.weight.std().item() > 0.2
    loss.train()
    assert loss.training and not loss.encoder.training
    inputs = torch.randn(2, 3, 8, 8)
    # eval mode: dropout is off, so the frozen features are deterministic
    assert torch.equal(
        loss.frozen_features(inputs), loss.frozen_features(inputs))


def test_no_kept_position_gives_zero_and_bad_input_raises():
    loss = build_loss()
    student = torch.randn(1, 3, 2, 2, requires_grad=True)
    road = torch.zeros(1, 8, 8, dtype=torch.long)
    value = loss(student, torch.randn(1, 3, 8, 8), road)
    assert value.item() == 0.
    value.backward()  # still in the graph
    with pytest.raises(ValueError, match='do not match'):
        loss(torch.randn(1, 4, 2, 2), torch.randn(1, 3, 8, 8), road)
    with pytest.raises(ValueError, match='classes'):
        build_loss(classes=(19, ))
