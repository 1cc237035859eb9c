# DAFormer, GTA5 -> Cityscapes, MiT-B5 + DAFormer head (Hoyer et al., CVPR
# 2022; official config gta2cs_uda_warm_fdthings_rcs_croppl_a999_daformer_
# mitb5_s0.py): DACS' self-training with DAFormer's settings and feature
# distance (_base_/models/daformer_sepaspp_mit-b5.py); rare-class sampling
# (T 0.01, min_pixels 3000, crop re-drawn up to 10 times until it holds
# 3000 * 0.5 pixels of the drawn class); AdamW 6e-5 with
# warm-up and poly (_base_/schedules/daformer_adamw_warmup_40k.py). GTA5
# resized to 1280x720 (keeping its ratio) and Cityscapes to 1024x512,
# random 512x512 crops (source: no class above 75% of a crop), flips, batch
# 2 + 2; pseudo labels get weight 0 on the top 15 and bottom 120 rows of the
# 1024x512 Cityscapes image.
_base_ = [
    '../_base_/models/daformer_sepaspp_mit-b5.py',
    '../_base_/datasets/gta2cs.py',
    '../_base_/schedules/daformer_adamw_warmup_40k.py',
    '../_base_/default_runtime.py'
]
crop_size = (512, 512)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='LoadUDAAnnotations',
        label_mapping='cityscapes',
        size_mismatch='resize'),
    dict(type='Resize', scale={{_base_.source_scale}}, keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale={{_base_.target_scale}}, keep_ratio=True),
    dict(type='PseudoLabelMargins', top=15, bottom=120),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackUDAInputs')
]
train_dataloader = dict(
    batch_size=2,
    # rare-class sampling; class statistics cached in data/gta5
    sampler=dict(
        _delete_=True,
        type='RareClassSampler',
        temperature=0.01,
        min_pixels=3000,
        min_crop_ratio=0.5,
        cache_file='rcs_class_stats.json'),
    dataset=dict(
        source=dict(pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
