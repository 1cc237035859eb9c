# Evaluates FADA's released GTA5 -> Cityscapes model g2c_sd.pth (after
# self-distillation) with the official network, after
#   python tools/model_converters/fada2mmseg.py g2c_sd.pth \
#       checkpoints/fada_gta2cs_sd.pth
#   python tools/test.py THIS_CONFIG checkpoints/fada_gta2cs_sd.pth
# As the official test.py with configs/deeplabv2_r101_tgt_self_distill.yaml:
# plain BatchNorm (the self-distillation stage does not freeze it), full
# 2048x1024 images, logits resized with align_corners=True. Checkpoints of
# the adversarial stage (with model_D) use FrozenBatchNorm2d at 1024x512:
#   --cfg-options model.segmentor.backbone.norm_cfg.type=FrozenBN \
#       test_dataloader.dataset.pipeline.1.scale="(1024,512)"
# Multi-scale testing (paper "MST"): --tta. See docs/en/official_weights.md.
_base_ = [
    '../_base_/models/fada_deeplabv2_r101-official.py',
    '../_base_/datasets/gta2cs.py', '../_base_/schedules/fada_40k.py',
    '../_base_/default_runtime.py'
]
model = dict(
    segmentor=dict(
        backbone=dict(
            norm_cfg=dict(type='BN', requires_grad=False), init_cfg=None)))
official_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='Resize',
        scale=(2048, 1024),
        keep_ratio=False,
        backend='pillow',
        interpolation='bicubic'),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='PackSegInputs')
]
val_dataloader = dict(dataset=dict(pipeline=official_test_pipeline))
test_dataloader = val_dataloader
tta_scales = [(1434, 717), (2048, 1024), (2662, 1331)]
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
