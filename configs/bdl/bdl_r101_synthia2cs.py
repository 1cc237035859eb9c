# BDL's M_0^(k) on SYNTHIA -> Cityscapes (Eq. 1): as bdl_r101_gta2cs.py with
# SYNTHIA-RAND-CITYSCAPES translated by F^(k) (data/synthia_cs), trained on
# the 19 Cityscapes classes (as the official code), reported as mIoU16 /
# mIoU13 (the paper's Table 6 gives 13 classes for ResNet-101). Long side
# 1024: SYNTHIA 1280x760 -> 1024x608.
_base_ = [
    '../_base_/models/bdl_deeplabv2_r101.py',
    '../_base_/datasets/synthia2cs.py', '../_base_/schedules/bdl_80k.py',
    '../_base_/default_runtime.py'
]
long_side = (1024, 1024)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    # 16-bit labels, class id in the first channel (BGR order: channel 2)
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
    dict(type='Resize', scale=long_side, keep_ratio=True),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=long_side, keep_ratio=True),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    dataset=dict(
        source=dict(data_root='data/synthia_cs', pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
