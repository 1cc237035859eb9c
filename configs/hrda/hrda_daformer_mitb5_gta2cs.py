# HRDA, GTA5 -> Cityscapes, MiT-B5 + DAFormer head (Hoyer et al., ECCV 2022;
# official configs/hrda/gtaHR2csHR_hrda.py): DAFormer's self-training
# (_base_/models/daformer_sepaspp_mit-b5.py: alpha 0.999, ClassMix, feature
# distance, here on the low-resolution context features) at high
# resolution. GTA5 resized to 2560x1440 and Cityscapes kept at 2048x1024,
# random 1024x1024 context crops (source: no class above 75%), flips, batch
# 2 + 2; inside the segmentor the context crop is seen at half resolution
# and a 512x512 detail crop (corner divisible by 8) at full resolution,
# fused by class-wise scale attention; loss 0.9 x fused CE + 0.1 x detail
# CE. Pseudo labels come from the whole target crop with overlapping detail
# windows; they get weight 0 on the margins [30, 240, 30, 30] (top, bottom,
# left, right) of the 2048x1024 image. Rare-class sampling re-draws the crop
# until it holds 3000 x 2.0 pixels of the drawn class. Test: 1024x1024
# windows, stride 512, batched. AdamW 6e-5 with warm-up, 40k iterations.
_base_ = [
    '../_base_/models/daformer_sepaspp_mit-b5.py',
    '../_base_/datasets/gta2cs.py',
    '../_base_/schedules/daformer_adamw_warmup_40k.py',
    '../_base_/default_runtime.py'
]
crop_size = (1024, 1024)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='LoadUDAAnnotations',
        label_mapping='cityscapes',
        size_mismatch='resize'),
    dict(type='Resize', scale=(2560, 1440), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='PseudoLabelMargins', top=30, bottom=240, left=30, right=30),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackUDAInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    batch_size=2,
    sampler=dict(
        _delete_=True,
        type='RareClassSampler',
        temperature=0.01,
        min_pixels=3000,
        min_crop_ratio=2.0,
        cache_file='rcs_class_stats.json'),
    dataset=dict(
        source=dict(pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
model = dict(
    segmentor=dict(
        type='HRDAEncoderDecoder',
        context_scale=0.5,
        detail_crop_size=(512, 512),
        crop_coord_divisible=8,
        decode_head=dict(
            type='HRDAHead',
            single_scale_head='DAFormerHead',
            attention_classwise=True,
            detail_loss_weight=0.1,
            # the attention head: DAFormer's head with a single 1x1-rate
            # fusion branch instead of the ASPP
            attention_head=dict(dilations=(1, ))),
        test_cfg=dict(
            mode='slide',
            crop_size=(1024, 1024),
            stride=(512, 512),
            batched_slide=True)))
