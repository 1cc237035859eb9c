# DeepLabV2-R101 with DAFormer's training strategy, GTA5 -> Cityscapes
# (Hoyer et al., CVPR 2022, Table 5, last row; official experiments.py, id 5:
# dlv2red / r101v1c / dacs_a999_fdthings / rcs T 0.01 / pseudo-label crop):
# the data, rare-class sampling, pseudo-label margins and AdamW warm-up
# schedule of daformer_mitb5_gta2cs.py; DACS with alpha 0.999 and the
# thing-class feature distance on the last ResNet stage. The network is
# DAFormer's DeepLabV2: ResNet-101-V1c (deep stem, contracted dilation,
# trainable BatchNorm) from mmseg's ImageNet weights (open-mmlab://
# resnet101_v1c, saved as checkpoints/resnet101_v1c_imagenet.pth) and the
# ASPP classifier with dilations 6 and 12 only (what AdaptSegNet's code sums,
# see the official _base_/models/deeplabv2red_r50-d8.py); classifier
# initialised N(0, 0.01).
_base_ = [
    '../_base_/datasets/gta2cs.py',
    '../_base_/schedules/daformer_adamw_warmup_40k.py',
    '../_base_/default_runtime.py'
]
crop_size = (512, 512)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='LoadUDAAnnotations',
        label_mapping='cityscapes',
        size_mismatch='resize'),
    dict(type='Resize', scale={{_base_.source_scale}}, keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale={{_base_.target_scale}}, keep_ratio=True),
    dict(type='PseudoLabelMargins', top=15, bottom=120),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackUDAInputs')
]
train_dataloader = dict(
    batch_size=2,
    sampler=dict(
        _delete_=True,
        type='RareClassSampler',
        temperature=0.01,
        min_pixels=3000,
        min_crop_ratio=0.5,
        cache_file='rcs_class_stats.json'),
    dataset=dict(
        source=dict(pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
resnet_v1c = dict(
    type='ResNetV1c',
    depth=101,
    num_stages=4,
    out_indices=(0, 1, 2, 3),
    strides=(1, 2, 1, 1),
    dilations=(1, 1, 2, 4),
    contract_dilation=True,
    norm_cfg=dict(type='BN', requires_grad=True),
    norm_eval=False,
    style='pytorch',
    init_cfg=dict(
        type='LocalPretrained',
        checkpoint='checkpoints/resnet101_v1c_imagenet.pth'))
segmentor = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(
        type='SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255,
        size_divisor=8),
    backbone=resnet_v1c,
    decode_head=dict(
        type='DeepLabV2Head',
        in_channels=2048,
        in_index=3,
        dilations=(6, 12),
        num_classes=19,
        align_corners=False,
        init_cfg=dict(
            type='Normal', std=0.01, override=dict(name='aspp_branches')),
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
model = dict(
    type='DACS',
    segmentor=segmentor,
    teacher=dict(type='EMATeacher', alpha=0.999),
    pseudo_labeler=dict(type='QualityPseudoLabeler', threshold=0.968),
    color_jitter=dict(strength=0.2, prob=0.8),
    blur=dict(prob=0.5, sigma_range=(0.15, 1.15)),
    feature_distance=dict(
        type='FeatureDistanceLoss',
        encoder=resnet_v1c,
        num_classes=19,
        classes=(6, 7, 11, 12, 13, 14, 15, 16, 17, 18),
        min_ratio=0.75,
        level=-1,
        loss_weight=0.005))
