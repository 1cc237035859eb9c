# FADA stage 2: fine-grained adversarial adaptation GTA5 -> Cityscapes
# (Wang et al., ECCV 2020). DeepLabV2-R101 starts from the warm-up
# (fada_r101_gta2cs-warmup.py) and adapts for 40k iterations with 4 source +
# 4 target images per iteration. The fine-grained discriminator sees the
# 2048-d layer4 features; soft domain encodings (T = 1.8, confidence clipping
# at 0.9), lambda_adv = 0.001 (see the model base). Images are resized as in
# AdaptSegNet (GTA5 1280x720, Cityscapes 1024x512), as in the official repo.
_base_ = [
    '../_base_/models/fada_deeplabv2_r101.py', '../_base_/datasets/gta2cs.py',
    '../_base_/datasets/fada_color_jitter.py',
    '../_base_/schedules/fada_40k.py', '../_base_/default_runtime.py'
]
# random flips on both domains, colour jitter on source
# (_base_/datasets/fada_color_jitter.py)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='LoadUDAAnnotations',
        label_mapping='cityscapes',
        size_mismatch='resize'),
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
    segmentor_checkpoint='work_dirs/fada_r101_gta2cs-warmup/iter_20000.pth')
