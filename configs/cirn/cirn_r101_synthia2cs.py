# CIRN stage 2 on SYNTHIA -> Cityscapes (paper Tables 2, 3, 4): as
# cirn_r101_gta2cs.py with the CIR images of SYNTHIA-RAND-CITYSCAPES
# (resized to 1280x760):
#   python tools/translate.py \
#       configs/translators/cyclegan_synthia2cs-cirn-semantic.py \
#       work_dirs/cyclegan_synthia2cs-cirn-semantic/iter_188000.pth \
#       --scale 1280 760 --out-root data/synthia_cirn
# Trained on the 19 Cityscapes classes (terrain, truck and train never occur
# in SYNTHIA); UDAIoUMetric reports mIoU16 and mIoU13 (the paper's mIoU and
# mIoU*) next to mIoU. The paper keeps lambda_cos = 40 on SYNTHIA (CLAN: 10).
_base_ = [
    '../_base_/models/cirn_deeplabv2_r101.py',
    '../_base_/datasets/synthia2cs.py', '../_base_/schedules/cirn_100k.py',
    '../_base_/default_runtime.py'
]
source_pipeline = [
    dict(type='LoadImageFromFile'),
    # 16-bit labels, class id in the first channel (BGR order: channel 2)
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
    dict(type='Resize', scale={{_base_.source_scale}}, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale={{_base_.target_scale}}, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    dataset=dict(
        source=dict(data_root='data/synthia_cirn', pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
