# DACS, SYNTHIA -> Cityscapes, DeepLabV2-R101 (Tranheden et al., WACV 2021,
# Sec. 4.1): the settings of dacs_r101_gta2cs.py with SYNTHIA-RAND-
# CITYSCAPES resized to 1280x760 (as every SYNTHIA config here; the official
# training script wires GTA5 only) as the source; trained on the 19
# Cityscapes classes, reported as mIoU16 / mIoU13 (the paper's 16 classes).
_base_ = [
    '../_base_/models/dacs_deeplabv2_r101.py',
    '../_base_/datasets/synthia2cs.py', '../_base_/schedules/dacs_250k.py',
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
