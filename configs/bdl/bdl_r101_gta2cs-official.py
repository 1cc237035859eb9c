# Evaluates BDL's released GTA5 -> Cityscapes DeepLab models (GTA5_deeplab,
# and the SSL_step1 / SSL_step2 models that label the target) with the
# official network, after
#   python tools/model_converters/bdl2mmseg.py GTA5_deeplab.pth \
#       checkpoints/bdl_gta2cs.pth
#   python tools/test.py THIS_CONFIG checkpoints/bdl_gta2cs.pth
# Test images as in the official evaluation.py: resized to 1024x512 with
# PIL's bicubic filter, predictions resized back with align_corners=True.
# See docs/en/official_weights.md.
_base_ = [
    '../_base_/models/bdl_deeplabv2_r101-official.py',
    '../_base_/datasets/gta2cs.py', '../_base_/schedules/bdl_80k.py',
    '../_base_/default_runtime.py'
]
# the released weights replace the initial model
model = dict(segmentor=dict(backbone=dict(init_cfg=None)))
official_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='Resize',
        scale=(1024, 512),
        keep_ratio=False,
        backend='pillow',
        interpolation='bicubic'),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='PackSegInputs')
]
val_dataloader = dict(dataset=dict(pipeline=official_test_pipeline))
test_dataloader = val_dataloader
