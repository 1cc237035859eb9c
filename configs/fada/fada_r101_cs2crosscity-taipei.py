# FADA stage 2 for Cityscapes -> Cross-City Taipei: the settings of
# fada_r101_cs2crosscity-rome.py with another target city.
_base_ = [
    '../_base_/models/fada_deeplabv2_r101.py',
    '../_base_/datasets/cs2crosscity_taipei.py',
    '../_base_/datasets/fada_color_jitter.py',
    '../_base_/schedules/fada_40k.py', '../_base_/default_runtime.py'
]
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadUDAAnnotations', label_mapping='crosscity'),
    dict(type='Resize', scale={{_base_.source_scale}}, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5), {{_base_.color_jitter}},
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
            ], [dict(type='LoadUDAAnnotations', label_mapping='crosscity')],
            [dict(type='PackSegInputs')]
        ])
]
model = dict(
    segmentor=dict(decode_head=dict(num_classes=13)),
    discriminator=dict(num_classes=13),
    segmentor_checkpoint='work_dirs/fada_r101_cs2crosscity-warmup/'
    'iter_20000.pth')
