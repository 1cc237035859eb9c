import torch
import torch.nn as nn

from mmseg_uda.models import DeepLabV2Head


def test_deeplabv2_head_sums_all_four_branches():
    head = DeepLabV2Head(in_channels=8, num_classes=5, in_index=-1)
    head.init_weights()
    assert not hasattr(head, 'conv_seg')
    assert [b.dilation for b in head.aspp_branches] == [(6, 6), (12, 12),
                                                        (18, 18), (24, 24)]
    for branch in head.aspp_branches:
        assert branch.kernel_size == (3, 3)
        assert branch.out_channels == 5
    x = torch.randn(2, 8, 9, 11)
    out = head([x])
    assert out.shape == (2, 5, 9, 11)
    expected = sum(branch(x) for branch in head.aspp_branches)
    torch.testing.assert_close(out, expected)
    # dropping any branch changes the result: all four really contribute
    three = sum(branch(x) for branch in head.aspp_branches[:3])
    assert not torch.allclose(out, three)


def test_deeplabv2_head_init_is_normal_001():
    torch.manual_seed(0)
    head = DeepLabV2Head(in_channels=64, num_classes=19)
    head.init_weights()
    weights = torch.cat([b.weight.flatten() for b in head.aspp_branches])
    assert abs(weights.std().item() - 0.01) < 0.002
    assert all(isinstance(b, nn.Conv2d) for b in head.aspp_branches)
