import pytest
import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from uda_test_utils import toy_segmentor_cfg

from mmseg_uda.models import ACMHead, DeepLabV2Head


def build_head(**kwargs):
    cfg = dict(
        in_channels=8,
        num_classes=5,
        dilations=(1, 2, 3, 4),
        attention_channels=4)
    cfg.update(kwargs)
    torch.manual_seed(0)
    head = ACMHead(**cfg)
    head.init_weights()
    return head


def classify(convs, x):
    return sum(conv(x) for conv in convs)


@pytest.mark.parametrize('layout', ['branch', 'parallel'])
def test_k0_is_a_plain_second_classifier(layout):
    """K = 0: the ACM is a normal DeepLabV2 classifier (CLAN)."""
    head = build_head(num_attention=0, attention_layout=layout)
    plain = DeepLabV2Head(in_channels=8, num_classes=5, dilations=(1, 2, 3, 4))
    plain.init_weights()
    head.acm_branches.load_state_dict(plain.aspp_branches.state_dict())
    assert len(head.attentions) == 0
    x = torch.randn(2, 8, 6, 7)
    p1, p2 = head.forward_branches([x])
    torch.testing.assert_close(p2, plain([x]))
    torch.testing.assert_close(p1, classify(head.aspp_branches, x))
    # C and the ACM classifier are initialised independently
    assert not torch.allclose(p1, p2)


def test_forward_is_the_sum_of_both_branches():
    head = build_head()
    x = torch.randn(2, 8, 6, 7)
    p1, p2 = head.forward_branches([x])
    assert p1.shape == p2.shape == (2, 5, 6, 7)
    torch.testing.assert_close(head([x]), p1 + p2)


@pytest.mark.parametrize('gating', ['residual', 'multiply'])
def test_branch_layout_gates_the_first_k_branches(gating):
    head = build_head(num_attention=2, gating=gating)
    x = torch.randn(1, 8, 5, 6)
    maps = [attention(x) for attention in head.attentions]
    for a in maps:
        assert a.shape == (1, 1, 5, 6)
        assert ((a >= 0) & (a <= 1)).all()
    gated = [(1 + a) * x if gating == 'residual' else a * x for a in maps]
    convs = head.acm_branches
    expected = (
        convs[0](gated[0]) + convs[1](gated[1]) + convs[2](x) + convs[3](x))
    torch.testing.assert_close(head.forward_branches([x])[1], expected)


def test_parallel_layout_sums_k_gated_classifications():
    head = build_head(num_attention=3, attention_layout='parallel')
    x = torch.randn(1, 8, 5, 6)
    expected = sum(
        classify(head.acm_branches, (1 + attention(x)) * x)
        for attention in head.attentions)
    torch.testing.assert_close(head.forward_branches([x])[1], expected)
    # more modules than ASPP branches are allowed here
    assert len(
        build_head(num_attention=5,
                   attention_layout='parallel').attentions) == 5


def test_attention_changes_the_acm_output():
    head = build_head(num_attention=2)
    with torch.no_grad():
        for attention in head.attentions:
            attention.conv2.bias.fill_(3.)
    x = torch.randn(1, 8, 5, 6)
    without = classify(head.acm_branches, x)
    assert not torch.allclose(head.forward_branches([x])[1], without)


def test_classifier_params_pair_c_with_the_acm_classifier():
    head = build_head(num_attention=2)
    c_params, acm_params = head.classifier_params()
    assert [p.shape for p in c_params] == [p.shape for p in acm_params]
    assert len(c_params) == 8  # 4 convs: weight + bias
    attention = {id(p) for p in head.attentions.parameters()}
    assert not attention & {id(p) for p in c_params + acm_params}
    assert {id(p)
            for p in head.parameters()} == (
                attention | {id(p)
                             for p in c_params + acm_params})


def test_bad_settings_raise():
    with pytest.raises(ValueError, match='between 0 and the 4 ASPP'):
        build_head(num_attention=5)
    with pytest.raises(ValueError, match='between 0'):
        build_head(num_attention=-1)
    with pytest.raises(ValueError, match='attention_layout'):
        build_head(attention_layout='serial')
    with pytest.raises(ValueError, match='gating'):
        build_head(gating='softmax')


def acm_segmentor_cfg():
    cfg = toy_segmentor_cfg()
    cfg.decode_head = dict(
        cfg.decode_head, type='ACMHead', num_attention=2, attention_channels=8)
    return cfg


def test_stock_predict_uses_p1_plus_p2():
    torch.manual_seed(0)
    model = MODELS.build(acm_segmentor_cfg())
    model.init_weights()
    model.eval()
    inputs = torch.randn(1, 3, 32, 48)
    sample = SegDataSample(
        metainfo=dict(
            img_shape=(32, 48), ori_shape=(32, 48), pad_shape=(32, 48)))
    with torch.no_grad():
        p1, p2 = model.decode_head.forward_branches(model.extract_feat(inputs))
        expected = F.interpolate(
            p1 + p2, size=(32, 48), mode='bilinear', align_corners=False)
        c_only = F.interpolate(
            p1, size=(32, 48), mode='bilinear', align_corners=False)
        result = model.predict(inputs, [sample])[0]
    torch.testing.assert_close(result.seg_logits.data, expected[0])
    assert torch.equal(result.pred_sem_seg.data[0], expected[0].argmax(0))
    assert not torch.allclose(result.seg_logits.data, c_only[0])
