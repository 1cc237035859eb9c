# HRDA, SYNTHIA -> Cityscapes, MiT-B5 + DAFormer head (official
# experiments.py id 40, syn2cs): the settings of hrda_daformer_mitb5_gta2cs.py
# with SYNTHIA-RAND-CITYSCAPES resized to 2560x1520 as the source; trained on
# the 19 Cityscapes classes, reported as mIoU16 / mIoU13.
_base_ = [
    '../_base_/models/daformer_sepaspp_mit-b5.py',
    '../_base_/datasets/synthia2cs.py',
    '../_base_/schedules/daformer_adamw_warmup_40k.py',
    '../_base_/default_runtime.py'
]
crop_size = (1024, 1024)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    # 16-bit labels, class id in the first channel (BGR order: channel 2)
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
    dict(type='Resize', scale=(2560, 1520), keep_ratio=True),
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
    batch_size=2,
    sampler=dict(
        _delete_=True,
        type='RareClassSampler',
        temperature=0.01,
        min_pixels=3000,
        min_crop_ratio=2.0,
        cache_file='rcs_class_stats.json'),
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
            single_scale_head='DAFormerHead',
            attention_classwise=True,
            detail_loss_weight=0.1,
            attention_head=dict(dilations=(1, ))),
        test_cfg=dict(
            mode='slide',
            crop_size=(1024, 1024),
            stride=(512, 512),
            batched_slide=True)))
