# BDL's segmentation adaptation model M on GTA5 -> Cityscapes trained as the
# official BDL.py trains it (_base_/models/bdl_deeplabv2_r101-official.py):
# from the DeepLab initial model, converted once with
#   python tools/model_converters/deeplab_init2mmseg.py \
#       DeepLab_resnet_pretrained_init-f81d91e8.pth \
#       checkpoints/deeplab_resnet101_init.pth
# on the source images translated by the round's CycleGAN (data/gta5_cs, see
# bdl_r101_gta2cs.py), BGR caffe input, batch-statistics BatchNorm, GTA5
# resized to 1280x720 and Cityscapes to 1024x512 with PIL's bicubic filter
# (data/__init__.py), 80k iterations. The ImageNet start stays
# bdl_r101_gta2cs.py.
_base_ = [
    '../_base_/models/bdl_deeplabv2_r101-official.py',
    '../_base_/datasets/gta2cs.py', '../_base_/schedules/bdl_80k.py',
    '../_base_/default_runtime.py'
]
pil_bicubic = dict(backend='pillow', interpolation='bicubic')
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='LoadUDAAnnotations',
        label_mapping='cityscapes',
        size_mismatch='resize'),
    dict(type='Resize', scale=(1280, 720), keep_ratio=False, **pil_bicubic),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=False, **pil_bicubic),
    dict(type='PackSegInputs')
]
official_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=False, **pil_bicubic),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    dataset=dict(
        source=dict(data_root='data/gta5_cs', pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
val_dataloader = dict(dataset=dict(pipeline=official_test_pipeline))
test_dataloader = val_dataloader
