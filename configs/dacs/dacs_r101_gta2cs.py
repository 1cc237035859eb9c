# DACS, GTA5 -> Cityscapes, DeepLabV2-R101 (Tranheden et al., WACV 2021,
# Sec. 4.1 and the official configUDA.json): GTA5 resized to 1280x720 and
# Cityscapes to 1024x512, random 512x512 crops, no flip, batch 2 source + 2
# target; SGD lr 2.5e-4 (classifier x10), momentum 0.9, weight decay 5e-4,
# poly 0.9 over 250k iterations; EMA teacher alpha 0.99; pseudo-label
# threshold 0.968; ClassMix, colour jitter and Gaussian blur.
# ImageNet weights through the local file of _base_/models/deeplabv2_r101.py
# (the official code starts from the MS-COCO DeepLab; see README).
_base_ = [
    '../_base_/models/dacs_deeplabv2_r101.py',
    '../_base_/datasets/gta2cs.py', '../_base_/schedules/dacs_250k.py',
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
