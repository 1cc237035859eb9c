# The toy source-only baseline at full resolution: the toy DeepLabV2 of
# deeplabv2_r18_toy-gta2cs.py trained and tested on the 256x128 toy images
# as they are (every other toy config halves them), the single-scale
# counterpart of HRDA's segmentor (deeplabv2-hrda_r18_toy-gta2cs.py), which
# sees the same images at full resolution in its detail crops.
_base_ = ['./deeplabv2_r18_toy-gta2cs.py']
full_res = (256, 128)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='Resize', scale=full_res, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=full_res, keep_ratio=False),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='PackSegInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
