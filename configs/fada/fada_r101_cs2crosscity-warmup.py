# FADA stage 1 for Cityscapes -> Cross-City: source-only warm-up on
# Cityscapes train with the 13 Cross-City classes, shared by the four cities
# (its validation uses Rome's test set). Schedule and augmentations as
# fada_r101_gta2cs-warmup.py.
_base_ = [
    '../_base_/models/deeplabv2_r101.py',
    '../_base_/datasets/cs2crosscity_rome.py',
    '../_base_/datasets/fada_color_jitter.py',
    '../_base_/schedules/fada_warmup_20k.py', '../_base_/default_runtime.py'
]
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadUDAAnnotations', label_mapping='crosscity'),
    dict(type='Resize', scale={{_base_.source_scale}}, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5), {{_base_.color_jitter}},
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    _delete_=True,
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='CityscapesDataset',
        metainfo={{_base_.source_train_dataset.metainfo}},
        data_root={{_base_.source_root}},
        data_prefix={{_base_.source_train_dataset.data_prefix}},
        seg_map_suffix='_gtFine_labelIds.png',
        pipeline=source_pipeline))
model = dict(decode_head=dict(num_classes=13))
