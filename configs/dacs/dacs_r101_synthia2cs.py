# DACS, SYNTHIA -> Cityscapes, DeepLabV2-R101 (Tranheden et al., WACV 2021,
# Sec. 4.1): the settings of dacs_r101_gta2cs.py with SYNTHIA-RAND-
# CITYSCAPES resized to 1280x760 (as every SYNTHIA config here; the official
# training script wires GTA5 only) as the source; trained on the 19
# Cityscapes classes, reported as mIoU16 / mIoU13 (the paper's 16 classes).
_base_ = [
    '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/synthia2cs.py',
    '../_base_/default_runtime.py'
]
crop_size = (512, 512)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    # 16-bit labels, class id in the first channel (BGR order: channel 2)
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
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
