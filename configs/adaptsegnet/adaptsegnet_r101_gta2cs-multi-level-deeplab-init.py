# AdaptSegNet multi-level GTA5 -> Cityscapes trained as the official code
# trains it (_base_/models/adaptsegnet_deeplabv2_r101-official.py): from the
# DeepLab initial model (ImageNet + MS-COCO), converted once with
#   python tools/model_converters/deeplab_init2mmseg.py \
#       DeepLab_resnet_pretrained_init-f81d91e8.pth \
#       checkpoints/deeplab_resnet101_init.pth
# BGR caffe input, batch-statistics BatchNorm, two-branch classifiers,
# plain SGD with weight decay 5e-4 (train_gta2cityscapes_multi.py), images
# resized with PIL's bicubic filter. The ImageNet start of the paper-default
# configs (torchvision weights) stays adaptsegnet_r101_gta2cs-multi-level.py.
_base_ = [
    '../_base_/models/adaptsegnet_deeplabv2_r101-official.py',
    '../_base_/datasets/gta2cs.py', '../_base_/schedules/adaptsegnet_150k.py',
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
        source=dict(pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
val_dataloader = dict(dataset=dict(pipeline=official_test_pipeline))
test_dataloader = val_dataloader
optim_wrapper = dict(
    segmentor=dict(optimizer=dict(nesterov=False, weight_decay=5e-4)))
# the classifiers' dilation-18 and -24 branches get no gradient
model_wrapper_cfg = dict(find_unused_parameters=True)
