# FADA stage 2 for SYNTHIA -> Cityscapes (paper Table 2): as
# fada_r101_gta2cs.py with SYNTHIA-RAND-CITYSCAPES as the source. The
# segmentor predicts the 19 Cityscapes classes (the discriminator has 2 x 19
# channels; terrain, truck and train never occur in SYNTHIA); UDAIoUMetric
# reports mIoU16 and mIoU13 (the paper's mIoU and mIoU*).
_base_ = [
    '../_base_/models/fada_deeplabv2_r101.py',
    '../_base_/datasets/synthia2cs.py',
    '../_base_/datasets/fada_color_jitter.py',
    '../_base_/schedules/fada_40k.py', '../_base_/default_runtime.py'
]
# random flips on both domains, colour jitter on source
# (_base_/datasets/fada_color_jitter.py)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    # 16-bit labels, class id in the first channel (BGR order: channel 2)
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
    dict(type='Resize', scale={{_base_.source_scale}}, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    {{_base_.color_jitter}},
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale={{_base_.target_scale}}, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    batch_size=4,
    dataset=dict(
        source=dict(pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
# Multi-scale testing of the official code: scales 0.7, 1.0, 1.3 of the test
# size, each with a horizontal flip, softmax averaged (tools/test.py --tta).
tta_scales = [(717, 358), (1024, 512), (1331, 666)]
tta_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='TestTimeAug',
        transforms=[
            [
                dict(type='Resize', scale=scale, keep_ratio=False)
                for scale in tta_scales
            ],
            [
                dict(type='RandomFlip', prob=0., direction='horizontal'),
                dict(type='RandomFlip', prob=1., direction='horizontal')
            ], [dict(type='LoadUDAAnnotations', label_mapping='cityscapes')],
            [dict(type='PackSegInputs')]
        ])
]
model = dict(
    segmentor_checkpoint='work_dirs/fada_r101_synthia2cs-warmup/iter_20000.pth'
)
