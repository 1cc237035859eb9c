# DACS, GTA5 -> Cityscapes, DeepLabV2-R101 (Tranheden et al., WACV 2021,
# Sec. 4.1 and the official configUDA.json): GTA5 resized to 1280x720 and
# Cityscapes to 1024x512, random 512x512 crops, no flip, batch 2 source + 2
# target; SGD lr 2.5e-4 (classifier x10), momentum 0.9, weight decay 5e-4,
# poly 0.9 over 250k iterations; EMA teacher alpha 0.99; pseudo-label
# threshold 0.968; ClassMix, colour jitter and Gaussian blur.
# ImageNet weights through the local file of _base_/models/deeplabv2_r101.py
# (the official code starts from the MS-COCO DeepLab; see README).
_base_ = [
    '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/gta2cs.py',
    '../_base_/default_runtime.py'
]
crop_size = (512, 512)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='LoadUDAAnnotations',
        label_mapping='cityscapes',
        size_mismatch='resize'),
    dict(type='Resize', scale={{_base_.source_scale}}, keep_ratio=False),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale={{_base_.target_scale}}, keep_ratio=False),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    batch_size=2,
    dataset=dict(
        source=dict(pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
model = dict(
    _delete_=True,
    type='DACS',
    segmentor={{_base_.model}},
    teacher=dict(type='EMATeacher', alpha=0.99),
    pseudo_labeler=dict(type='QualityPseudoLabeler', threshold=0.968),
    color_jitter=dict(strength=0.2, prob=0.8),
    blur=dict(prob=0.5, sigma_range=(0.15, 1.15)))
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=2.5e-4, momentum=0.9, weight_decay=5e-4),
        paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.)})))
param_scheduler = dict(segmentor=[
    dict(
        type='PolyLR',
        power=0.9,
        eta_min=0.,
        begin=0,
        end=250000,
        by_epoch=False)
])
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=250000, val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
