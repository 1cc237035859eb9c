# FADA stage 2 for SYNTHIA -> Cityscapes (paper Table 2): as
# fada_r101_gta2cs.py with SYNTHIA-RAND-CITYSCAPES as the source. The
# segmentor predicts the 19 Cityscapes classes (the discriminator has 2 x 19
# channels; terrain, truck and train never occur in SYNTHIA); UDAIoUMetric
# reports mIoU16 and mIoU13 (the paper's mIoU and mIoU*).
_base_ = ['./fada_r101_gta2cs.py']
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
    dict(type='Resize', scale=(1280, 760), keep_ratio=False),
    dict(type='RandomFlip', prob=0.5), {{_base_.color_jitter}},
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    dataset=dict(
        source=dict(
            _delete_=True,
            type='SynthiaDataset',
            data_root='data/synthia',
            pipeline=source_pipeline)))
model = dict(
    segmentor_checkpoint='work_dirs/fada_r101_synthia2cs-warmup/iter_20000.pth'
)
