# Evaluates AdaptSegNet's released GTA5 -> Cityscapes models
# (GTA2Cityscapes_multi-ed35151c.pth; the single-level model of
# DA_Seg_models.zip has the same layout) with the official network, after
#   python tools/model_converters/adaptsegnet2mmseg.py \
#       GTA2Cityscapes_multi-ed35151c.pth checkpoints/adaptsegnet_gta2cs.pth
#   python tools/test.py THIS_CONFIG checkpoints/adaptsegnet_gta2cs.pth
# Test images as in the official evaluate_cityscapes.py: resized to 1024x512
# with PIL's bicubic filter, predictions resized back with
# align_corners=True. See docs/en/official_weights.md.
_base_ = [
    '../_base_/models/adaptsegnet_deeplabv2_r101-official.py',
    '../_base_/datasets/gta2cs.py', '../_base_/schedules/adaptsegnet_150k.py',
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
