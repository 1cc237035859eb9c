"""HRDA: crop geometry, scale-attention fusion, losses and the segmentor."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import ConfigDict
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.models.heads.hrda_head import HRDAFeatures, HRDAHead, HRDALogits
from mmseg_uda.models.segmentors import HRDAEncoderDecoder
from mmseg_uda.models.uda.segmentor_forward import SegmentorForward
from mmseg_uda.models.utils.hrda_crops import (crop, paste_average,
                                               random_crop_box, scale_box,
                                               slide_boxes)
from mmseg_uda.models.utils.pixel_weighted_losses import (
    pixel_weighted_head_losses, pixel_weights)
from mmseg_uda.models.utils.segmentor_heads import segmentor_heads

init_default_scope('mmseg')

NUM_CLASSES = 3
GN = dict(type='GN', num_groups=4)


def up(x, size):
    return F.interpolate(x, size=size, mode='bilinear', align_corners=False)


def ce_map(logits, labels):
    """Per-pixel CE (0 on ignored pixels), as mmseg's CrossEntropyLoss."""
    return F.cross_entropy(logits, labels, ignore_index=255, reduction='none')


# -- crop geometry ------------------------------------------------------------
def test_random_crop_box_inside_divisible_and_covering():
    generator = torch.Generator().manual_seed(0)
    seen_y, seen_x = set(), set()
    for _ in range(400):
        y1, y2, x1, x2 = random_crop_box((64, 48), (32, 16), 8, generator)
        assert (y2 - y1, x2 - x1) == (32, 16)
        assert 0 <= y1 and y2 <= 64 and 0 <= x1 and x2 <= 48
        assert y1 % 8 == 0 and x1 % 8 == 0
        seen_y.add(y1)
        seen_x.add(x1)
    # every multiple of 8 that keeps the box inside, the last one included
    assert seen_y == {0, 8, 16, 24, 32}
    assert seen_x == {0, 8, 16, 24, 32}


def test_random_crop_box_margin_not_divisible():
    generator = torch.Generator().manual_seed(0)
    starts = {
        random_crop_box((20, 20), (10, 10), 4, generator)[0]
        for _ in range(200)
    }
    assert starts == {0, 4, 8}  # 12 would leave the image


def test_random_crop_box_full_image_and_errors():
    assert random_crop_box((16, 24), (16, 24), 8) == (0, 16, 0, 24)
    with pytest.raises(ValueError, match='larger than the image'):
        random_crop_box((16, 24), (32, 8))
    with pytest.raises(ValueError, match='divisible'):
        random_crop_box((16, 24), (8, 8), 0)
    with pytest.raises(ValueError, match='crop_size'):
        random_crop_box((16, 24), (0, 8))


def test_crop_and_scale_box():
    x = torch.arange(2 * 6 * 8).view(2, 6, 8)
    assert torch.equal(crop(x, (1, 3, 2, 5)), x[:, 1:3, 2:5])
    assert scale_box((8, 24, 16, 32), 0.25) == (2, 6, 4, 8)
    with pytest.raises(ValueError, match='whole pixels'):
        scale_box((4, 24, 16, 32), 0.125)


def test_slide_boxes_cover_and_overlap():
    boxes = slide_boxes((10, 7), (4, 4), (2, 2))
    ys = sorted({(b[0], b[1]) for b in boxes})
    xs = sorted({(b[2], b[3]) for b in boxes})
    assert ys == [(0, 4), (2, 6), (4, 8), (6, 10)]
    # the last column is moved back to end at the border
    assert xs == [(0, 4), (2, 6), (3, 7)]
    assert len(boxes) == 12
    count = torch.zeros(10, 7)
    for y1, y2, x1, x2 in boxes:
        count[y1:y2, x1:x2] += 1
    assert (count >= 1).all()
    # rows overlap by window - stride = 2
    assert count[:, 0].tolist() == [1, 1, 2, 2, 2, 2, 2, 2, 1, 1]


def test_slide_boxes_window_larger_than_image_and_errors():
    assert slide_boxes((6, 5), (8, 8), (4, 4)) == [(0, 6, 0, 5)]
    with pytest.raises(ValueError, match='stride'):
        slide_boxes((16, 16), (4, 4), (8, 2))


def test_paste_average():
    a = torch.ones(1, 1, 2, 2)
    b = torch.full((1, 1, 2, 2), 3.)
    out, count = paste_average([a, b], [(0, 2, 0, 2), (0, 2, 1, 3)], (3, 3))
    assert out[0, 0].tolist() == [[1, 2, 3], [1, 2, 3], [0, 0, 0]]
    assert count[0, 0].tolist() == [[1, 2, 1], [1, 2, 1], [0, 0, 0]]
    with pytest.raises(ValueError, match='does not fit'):
        paste_average([a], [(0, 3, 0, 2)], (3, 3))


# -- the head -----------------------------------------------------------------
def linear_head_cfg(**kwargs):
    """HRDAHead around a 1x1-conv FCNHead (no hidden convs, no dropout)."""
    cfg = dict(
        type='HRDAHead',
        single_scale_head='FCNHead',
        in_channels=4,
        channels=4,
        num_convs=0,
        concat_input=False,
        dropout_ratio=0.,
        num_classes=NUM_CLASSES,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', loss_weight=1.0))
    cfg.update(kwargs)
    return cfg


def build_head(**kwargs) -> HRDAHead:
    torch.manual_seed(0)
    head = MODELS.build(linear_head_cfg(**kwargs))
    head.init_weights()
    # non-trivial weights for the attention head too
    for param in head.parameters():
        param.data.normal_(0, 1)
    return head


def features(box=(8, 24, 0, 16), input_size=(32, 32), batch=2):
    """Context features of a 32x32 input at scale 0.5 and 1/4 output
    (4x4), detail features of a 16x16 box (4x4)."""
    generator = torch.Generator().manual_seed(1)
    return HRDAFeatures(
        context=[torch.randn(batch, 4, 4, 4, generator=generator)],
        detail=[torch.randn(batch, 4, 4, 4, generator=generator)],
        boxes=[box],
        input_size=input_size,
        context_scale=0.5)


@pytest.mark.parametrize('value', [0., 1., 0.3])
def test_fixed_attention_fusion_aligns(value):
    head = build_head(fixed_attention=value)
    assert head.scale_attention is None
    feats = features()
    out = head(feats)
    assert isinstance(out, HRDALogits)
    context = head.head(feats.context)
    detail = head.head(feats.detail)
    up_context = up(context, (8, 8))  # grid: 1/4 of the 32x32 input
    assert out.fused.shape == (2, NUM_CLASSES, 8, 8)
    assert out.box == (8, 24, 0, 16)
    inside = out.fused[..., 2:6, 0:4]  # the box at 1/4
    expected = (1 - value) * up_context[..., 2:6, 0:4] + value * detail
    torch.testing.assert_close(inside, expected)
    if value == 1.:
        torch.testing.assert_close(inside, detail)
    if value == 0.:
        torch.testing.assert_close(out.fused, up_context)
    outside = torch.ones(8, 8, dtype=torch.bool)
    outside[2:6, 0:4] = False
    torch.testing.assert_close(out.fused[..., outside], up_context[...,
                                                                   outside])
    torch.testing.assert_close(out.detail, detail)
    torch.testing.assert_close(out.context, context)


@pytest.mark.parametrize('classwise', [True, False])
def test_learned_scale_attention_by_hand(classwise):
    head = build_head(attention_classwise=classwise)
    feats = features(box=(0, 16, 16, 32))
    out = head(feats)
    channels = NUM_CLASSES if classwise else 1
    att = torch.sigmoid(head.scale_attention(feats.context))
    assert att.shape == (2, channels, 4, 4)
    torch.testing.assert_close(out.attention, att)
    # hand computation on the 8x8 grid, box (0, 4, 4, 8)
    a = up(att, (8, 8))[..., 0:4, 4:8]
    c = up(head.head(feats.context), (8, 8))
    d = head.head(feats.detail)
    expected = c.clone()
    expected[..., 0:4, 4:8] = (1 - a) * c[..., 0:4, 4:8] + a * d
    torch.testing.assert_close(out.fused, expected)


def test_fusion_of_overlapping_windows():
    head = build_head(fixed_attention=1.)
    generator = torch.Generator().manual_seed(2)
    # two 16x16 windows of a 16x24 input, overlapping by 8 columns
    boxes = [(0, 16, 0, 16), (0, 16, 8, 24)]
    feats = HRDAFeatures(
        context=[torch.randn(1, 4, 2, 3, generator=generator)],
        detail=[torch.randn(2, 4, 4, 4, generator=generator)],
        boxes=boxes,
        input_size=(16, 24),
        context_scale=0.5)
    out = head(feats)
    d = head.head(feats.detail)
    expected = torch.zeros(1, NUM_CLASSES, 4, 6)
    expected[..., 0:4] += d[0:1]
    expected[..., 2:6] += d[1:2]
    expected[..., 2:4] /= 2
    assert out.box == (0, 16, 0, 24)
    torch.testing.assert_close(out.detail, expected)
    torch.testing.assert_close(out.fused, expected)


def test_fusion_at_input_pixels_when_boxes_miss_the_grid():
    head = build_head(fixed_attention=1.)
    # box corner 2 is not a whole cell of the 1/4 grid: fuse at pixels
    feats = features(box=(2, 18, 0, 16))
    out = head(feats)
    assert out.fused.shape == (2, NUM_CLASSES, 32, 32)
    torch.testing.assert_close(out.fused[..., 2:18, 0:16],
                               up(head.head(feats.detail), (16, 16)))


def labelled_samples(labels):
    samples = []
    for label in labels:
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=label[None])
        samples.append(sample)
    return samples


def random_labels(batch=2, size=(32, 32), seed=3):
    generator = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, NUM_CLASSES, (batch, *size), generator=generator)
    labels[:, :3] = 255
    return labels


@pytest.mark.parametrize('fused_weight', [None, 1.])
def test_loss_by_hand(fused_weight):
    head = build_head(fused_loss_weight=fused_weight)
    feats = features(box=(8, 24, 16, 32))
    out = head(feats)
    labels = random_labels()
    losses = head.loss_by_feat(out, labelled_samples(labels))
    assert set(losses) == {
        'loss_ce', 'acc_seg', 'detail.loss_ce', 'detail.acc_seg'
    }
    fused_ce = ce_map(up(out.fused, (32, 32)), labels).mean()
    detail_ce = ce_map(up(out.detail, (16, 16)), labels[:, 8:24, 16:32]).mean()
    factor = 0.9 if fused_weight is None else 1.
    torch.testing.assert_close(losses['loss_ce'], factor * fused_ce)
    torch.testing.assert_close(losses['detail.loss_ce'], 0.1 * detail_ce)


def test_context_loss_term():
    head = build_head(detail_loss_weight=0.2, context_loss_weight=0.3)
    out = head(features())
    labels = random_labels()
    losses = head.loss_by_feat(out, labelled_samples(labels))
    fused_ce = ce_map(up(out.fused, (32, 32)), labels).mean()
    context_ce = ce_map(up(out.context, (32, 32)), labels).mean()
    torch.testing.assert_close(losses['loss_ce'], 0.5 * fused_ce)
    torch.testing.assert_close(losses['context.loss_ce'], 0.3 * context_ce)


def test_pixel_weights_through_the_sampler_are_cropped_for_detail():
    head = build_head()
    out = head(features(box=(16, 32, 8, 24)))
    labels = random_labels()
    generator = torch.Generator().manual_seed(4)
    weight = torch.rand(2, 32, 32, generator=generator)
    calls = []

    class Recorder:

        def sample(self, seg_logits, seg_label):
            calls.append((seg_logits.shape, seg_label.shape))
            return weight

    head.sampler = Recorder()
    losses = head.loss_by_feat(out, labelled_samples(labels))
    # called once, on the fused logits at the labels' size
    assert calls == [((2, NUM_CLASSES, 32, 32), (2, 1, 32, 32))]
    fused_ce = (weight * ce_map(up(out.fused, (32, 32)), labels)).mean()
    box_ce = ce_map(up(out.detail, (16, 16)), labels[:, 16:32, 8:24])
    detail_ce = (weight[:, 16:32, 8:24] * box_ce).mean()
    torch.testing.assert_close(losses['loss_ce'], 0.9 * fused_ce)
    torch.testing.assert_close(losses['detail.loss_ce'], 0.1 * detail_ce)
    # the project's pixel-weight context gives the same
    head.sampler = None
    with pixel_weights({'decode_head': head}, weight):
        again = head.loss_by_feat(out, labelled_samples(labels))
    assert head.sampler is None
    for key in ('loss_ce', 'detail.loss_ce'):
        torch.testing.assert_close(again[key], losses[key])


def test_loss_in_float32_for_low_precision_logits():
    head = build_head()
    out = head(features())
    half = HRDALogits(
        fused=out.fused.bfloat16(),
        context=out.context.bfloat16(),
        detail=out.detail.bfloat16(),
        attention=out.attention,
        box=out.box,
        input_size=out.input_size)
    losses = head.loss_by_feat(half, labelled_samples(random_labels()))
    assert losses['loss_ce'].dtype == torch.float32
    assert losses['detail.loss_ce'].dtype == torch.float32


def test_head_errors():
    with pytest.raises(ValueError, match='single_scale_head'):
        MODELS.build(linear_head_cfg(single_scale_head='HRDAHead'))
    with pytest.raises(ValueError, match='fixed_attention'):
        MODELS.build(linear_head_cfg(fixed_attention=1.5))
    with pytest.raises(ValueError, match='fused_loss_weight'):
        MODELS.build(
            linear_head_cfg(detail_loss_weight=0.6, context_loss_weight=0.6))
    head = build_head()
    with pytest.raises(TypeError, match='HRDAFeatures'):
        head([torch.zeros(1, 4, 4, 4)])
    with pytest.raises(TypeError, match='HRDALogits'):
        head.loss_by_feat(torch.zeros(1, 3, 4, 4), [])


# -- the segmentor ------------------------------------------------------------
def preprocessor(**kwargs):
    cfg = dict(
        type='SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255)
    cfg.update(kwargs)
    return cfg


def resnet_aspp_cfg(**kwargs):
    """ResNet-18 at 1/8 width, output stride 8, ASPP head."""
    cfg = dict(
        type='HRDAEncoderDecoder',
        data_preprocessor=preprocessor(size=(64, 64)),
        backbone=dict(
            type='ResNet',
            depth=18,
            stem_channels=8,
            base_channels=8,
            strides=(1, 2, 1, 1),
            dilations=(1, 1, 2, 4),
            out_indices=(3, ),
            norm_cfg=GN),
        decode_head=dict(
            type='HRDAHead',
            single_scale_head='ASPPHead',
            in_channels=64,
            in_index=0,
            channels=8,
            dilations=(1, 2),
            dropout_ratio=0.,
            norm_cfg=GN,
            num_classes=NUM_CLASSES,
            align_corners=False),
        context_scale=0.5,
        detail_crop_size=(32, 32),
        crop_coord_divisible=8,
        train_cfg=dict(),
        test_cfg=dict(mode='whole'))
    cfg.update(kwargs)
    return cfg


MIT = dict(
    type='MixVisionTransformer',
    in_channels=3,
    embed_dims=8,
    num_stages=4,
    num_layers=[1, 1, 1, 1],
    num_heads=[1, 2, 4, 8],
    patch_sizes=[7, 3, 3, 3],
    sr_ratios=[8, 4, 2, 1],
    out_indices=(0, 1, 2, 3),
    mlp_ratio=2,
    drop_path_rate=0.)
MIT_HEADS = dict(
    SegformerHead=dict(channels=16),
    DAFormerHead=dict(channels=16, embed_dims=8, dilations=(1, 2)))


def mit_cfg(head):
    return resnet_aspp_cfg(
        backbone=MIT,
        decode_head=dict(
            type='HRDAHead',
            single_scale_head=head,
            in_channels=[8, 16, 32, 64],
            in_index=[0, 1, 2, 3],
            dropout_ratio=0.,
            norm_cfg=GN,
            num_classes=NUM_CLASSES,
            align_corners=False,
            **MIT_HEADS[head]))


def build_model(cfg):
    torch.manual_seed(0)
    model = MODELS.build(ConfigDict(cfg))  # as from a config file
    model.init_weights()
    return model


def images(batch=2, size=(64, 64), seed=5):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(batch, 3, *size, generator=generator)


def test_extract_feat_training_crop_and_context_features():
    model = build_model(resnet_aspp_cfg())
    model.train()
    x = images()
    feats = model.extract_feat(x)
    assert isinstance(feats, HRDAFeatures)
    (box, ) = feats.boxes
    assert feats.box == box
    y1, y2, x1, x2 = box
    assert (y2 - y1, x2 - x1) == (32, 32) and y1 % 8 == 0 and x1 % 8 == 0
    assert feats.input_size == (64, 64) and feats.context_scale == 0.5
    # context: the input at half resolution; detail: the box at full
    context = model.encode(up(x, (32, 32)))
    torch.testing.assert_close(feats.context[-1], context[-1])
    torch.testing.assert_close(feats.detail[-1],
                               model.encode(x[..., y1:y2, x1:x2])[-1])
    assert feats.context[-1].shape == (2, 64, 4, 4)


def test_fixed_attention_one_fused_equals_detail_branch():
    cfg = resnet_aspp_cfg()
    cfg['decode_head']['fixed_attention'] = 1.
    model = build_model(cfg)
    model.train()
    x = images()
    feats = model.extract_train_feat(x, box=(16, 48, 8, 40))
    out = model.decode_head(feats)
    assert out.fused.shape == (2, NUM_CLASSES, 8, 8)  # 64 / 8
    detail = model.decode_head.head(model.encode(x[..., 16:48, 8:40]))
    torch.testing.assert_close(out.fused[..., 2:6, 1:5], detail)


def test_loss_reaches_both_branches_and_the_attention_head():
    model = build_model(resnet_aspp_cfg())
    model.train()
    x = images()
    feats = model.extract_feat(x)
    for level in (*feats.context, *feats.detail):
        level.retain_grad()
    samples = labelled_samples(random_labels(size=(64, 64)))
    losses = model.decode_head.loss(feats, samples, model.train_cfg)
    assert {'loss_ce', 'detail.loss_ce'} <= set(losses)
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert feats.context[-1].grad.abs().sum() > 0
    assert feats.detail[-1].grad.abs().sum() > 0
    head = model.decode_head
    for module in (head.head, head.scale_attention, model.backbone):
        grads = [p.grad for p in module.parameters() if p.requires_grad]
        assert all(g is not None for g in grads)
        assert sum(g.abs().sum() for g in grads) > 0


def test_encoder_decoder_loss_and_train_step_with_padding():
    model = build_model(resnet_aspp_cfg())
    model.train()
    x = images()
    samples = labelled_samples(random_labels(size=(64, 64)))
    losses = model.loss(x, samples)
    assert {
        'decode.loss_ce', 'decode.acc_seg', 'decode.detail.loss_ce',
        'decode.detail.acc_seg'
    } == set(losses)
    # a raw batch of two sizes, padded to 64x64 by SegDataPreProcessor
    generator = torch.Generator().manual_seed(6)
    inputs, data_samples = [], []
    for height, width in ((56, 60), (64, 48)):
        inputs.append(
            torch.randint(0, 256, (3, height, width),
                          generator=generator).to(torch.uint8))
        sample = SegDataSample(
            metainfo=dict(
                img_shape=(height, width), ori_shape=(height, width)))
        sample.gt_sem_seg = PixelData(
            data=torch.randint(
                0, NUM_CLASSES, (1, height, width), generator=generator))
        data_samples.append(sample)
    optim_wrapper = build_optim_wrapper(
        model, dict(optimizer=dict(type='SGD', lr=0.01)))
    before = copy.deepcopy(model.decode_head.scale_attention.state_dict())
    log_vars = model.train_step(
        dict(inputs=inputs, data_samples=data_samples), optim_wrapper)
    assert 'decode.detail.loss_ce' in log_vars and 'loss' in log_vars
    after = model.decode_head.scale_attention.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before)


def test_uda_forward_and_pixel_weighted_losses():
    # the path of DACS' mixed batch: one forward, then weighted losses
    model = build_model(resnet_aspp_cfg())
    model.train()
    outputs = SegmentorForward(model)(images())
    assert isinstance(outputs['features'], HRDAFeatures)
    logits = outputs['logits']['decode_head']
    assert isinstance(logits, HRDALogits)
    labels = random_labels(size=(64, 64))
    weight = torch.full((2, 64, 64), 0.5)
    losses = pixel_weighted_head_losses(
        segmentor_heads(model), outputs['logits'], labelled_samples(labels),
        weight)
    y1, y2, x1, x2 = logits.box
    detail_ce = ce_map(up(logits.detail, (32, 32)), labels[:, y1:y2, x1:x2])
    torch.testing.assert_close(losses['decode.detail.loss_ce'],
                               0.1 * 0.5 * detail_ce.mean())
    assert 'decode.loss_ce' in losses


@pytest.mark.parametrize('head', list(MIT_HEADS))
def test_mit_with_segformer_and_daformer_heads(head):
    model = build_model(mit_cfg(head))
    model.train()
    x = images()
    samples = labelled_samples(random_labels(size=(64, 64)))
    losses = model.loss(x, samples)
    assert losses['decode.loss_ce'] > 0 and losses['decode.detail.loss_ce'] > 0
    feats = model.extract_feat(x)
    assert feats.detail[0].shape == (2, 8, 8, 8)  # 32x32 crop at 1/4
    assert model.decode_head(feats).fused.shape == (2, NUM_CLASSES, 16, 16)
    model.eval()
    with torch.no_grad():
        logits = model.encode_decode(
            x, [dict(img_shape=(64, 64), pad_shape=(64, 64))] * 2)
    assert logits.shape == (2, NUM_CLASSES, 64, 64)


def test_slide_detail_windows_are_batched_and_averaged():
    model = build_model(resnet_aspp_cfg())
    x = images(size=(48, 64))
    feats = model.extract_slide_feat(x)
    # 32x32 windows, stride 16: 2 rows x 3 columns
    assert feats.boxes == [(0, 32, 0, 32), (0, 32, 16, 48), (0, 32, 32, 64),
                           (16, 48, 0, 32), (16, 48, 16, 48), (16, 48, 32, 64)]
    out = model.decode_head(feats)
    head = model.decode_head.head
    patches = [head(model.encode(crop(x, box))) for box in feats.boxes]
    expected, _ = paste_average(patches,
                                [scale_box(b, 1 / 8) for b in feats.boxes],
                                (6, 8))
    torch.testing.assert_close(out.detail, expected)
    assert out.fused.shape == (2, NUM_CLASSES, 6, 8)


def test_encode_decode_is_independent_of_the_mode():
    model = build_model(resnet_aspp_cfg())
    x = images()
    metas = [dict(img_shape=(64, 64), pad_shape=(64, 64))] * 2
    model.train()
    with torch.no_grad():
        in_train = model.encode_decode(x, metas)
    model.eval()
    with torch.no_grad():
        in_eval = model.encode_decode(x, metas)
        whole = model.decode_head(model.extract_feat(x)).fused
    torch.testing.assert_close(in_train, in_eval)
    assert in_eval.shape == (2, NUM_CLASSES, 64, 64)
    torch.testing.assert_close(in_eval, up(whole, (64, 64)))
    torch.testing.assert_close(model(x, mode='tensor'), whole)


def test_one_detail_window_equals_whole_image_detail():
    sliding = build_model(resnet_aspp_cfg(detail_crop_size=(64, 64)))
    whole = build_model(resnet_aspp_cfg(detail_slide_inference=False))
    whole.load_state_dict(sliding.state_dict())
    sliding.eval()
    whole.eval()
    x = images()
    metas = [dict(img_shape=(64, 64), pad_shape=(64, 64))] * 2
    with torch.no_grad():
        torch.testing.assert_close(
            sliding.encode_decode(x, metas), whole.encode_decode(x, metas))


def test_slide_test_mode_and_predict_size():
    whole = build_model(resnet_aspp_cfg())
    slide = build_model(
        resnet_aspp_cfg(
            test_cfg=dict(mode='slide', crop_size=(64, 64), stride=(32, 32))))
    batched = build_model(
        resnet_aspp_cfg(
            test_cfg=dict(
                mode='slide',
                crop_size=(64, 64),
                stride=(32, 32),
                batched_slide=True)))
    for model in (whole, slide, batched):
        model.load_state_dict(whole.state_dict())
        model.eval()

    def metas(size):
        return [dict(ori_shape=size, img_shape=size, pad_shape=size)] * 2

    x = images()
    with torch.no_grad():
        # one test window covering the image = whole-image inference
        torch.testing.assert_close(
            slide.inference(x, metas((64, 64))),
            whole.inference(x, metas((64, 64))))
        # several windows: batched = mmseg's loop
        x = images(size=(64, 96))
        reference = slide.inference(x, metas((64, 96)))
        torch.testing.assert_close(
            batched.inference(x, metas((64, 96))), reference)
        assert reference.shape == (2, NUM_CLASSES, 64, 96)
        # predict crops the padding and resizes to ori_shape
        samples = []
        for _ in range(2):
            samples.append(
                SegDataSample(
                    metainfo=dict(
                        ori_shape=(56, 60),
                        img_shape=(56, 60),
                        pad_shape=(64, 64),
                        padding_size=[0, 4, 0, 8])))
        results = whole.predict(images(), samples)
    assert results[0].pred_sem_seg.data.shape == (1, 56, 60)
    assert results[0].seg_logits.data.shape == (NUM_CLASSES, 56, 60)


def test_segmentor_errors():
    model = build_model(resnet_aspp_cfg())
    model.train()
    with pytest.raises(ValueError, match='larger than the training input'):
        model.extract_feat(images(size=(24, 64)))
    bad = [
        (dict(context_scale=0.), 'context_scale'),
        (dict(crop_coord_divisible=0), 'crop_coord_divisible'),
        (dict(detail_crop_size=(32, 0)), 'detail_crop_size'),
        (dict(detail_slide_stride=(48, 8)), 'detail_slide_stride'),
        (dict(auxiliary_head=dict(type='FCNHead')), 'auxiliary_head'),
    ]
    for kwargs, match in bad:
        with pytest.raises(ValueError, match=match):
            MODELS.build(resnet_aspp_cfg(**kwargs))
    plain = resnet_aspp_cfg()
    plain['decode_head'] = dict(
        plain['decode_head'], type='ASPPHead', single_scale_head=None)
    plain['decode_head'].pop('single_scale_head')
    with pytest.raises(ValueError, match='HRDAHead'):
        MODELS.build(plain)


def test_registered_and_defaults():
    assert MODELS.get('HRDAEncoderDecoder') is HRDAEncoderDecoder
    assert MODELS.get('HRDAHead') is HRDAHead
    model = build_model(
        resnet_aspp_cfg(
            context_scale=0.5, detail_crop_size=512, crop_coord_divisible=8))
    assert model.detail_crop_size == (512, 512)
    assert model.detail_slide_stride == (256, 256)
    head = model.decode_head
    assert head.attention_classwise and head.detail_loss_weight == 0.1
    assert head.fused_loss_weight == pytest.approx(0.9)
