# HRDA with DeepLabV2-R101, GTA5 -> Cityscapes (HRDA Table 2; official
# experiments.py id 41, hrda1-512-0.1_dlv2red): DAFormer's DeepLabV2 with
# DAFormer's strategy (../daformer/daformer_r101_gta2cs.py) inside HRDA's
# multi-resolution segmentor, at the resolutions, crops, margins, rare-class
# crop re-draw and sliding test of hrda_daformer_mitb5_gta2cs.py.
_base_ = ['../daformer/daformer_r101_gta2cs.py']
crop_size = (1024, 1024)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='LoadUDAAnnotations',
        label_mapping='cityscapes',
        size_mismatch='resize'),
    dict(type='Resize', scale=(2560, 1440), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='PseudoLabelMargins', top=30, bottom=240, left=30, right=30),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackUDAInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    sampler=dict(min_crop_ratio=2.0),
    dataset=dict(
        source=dict(pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
model = dict(
    segmentor=dict(
        type='HRDAEncoderDecoder',
        context_scale=0.5,
        detail_crop_size=(512, 512),
        crop_coord_divisible=8,
        decode_head=dict(
            type='HRDAHead',
            single_scale_head='DeepLabV2Head',
            attention_classwise=True,
            detail_loss_weight=0.1),
        test_cfg=dict(
            mode='slide',
            crop_size=(1024, 1024),
            stride=(512, 512),
            batched_slide=True)))
