# DAFormer, GTA5 -> Cityscapes, MiT-B5 + DAFormer head (Hoyer et al., CVPR
# 2022; official config gta2cs_uda_warm_fdthings_rcs_croppl_a999_daformer_
# mitb5_s0.py): DACS' self-training with EMA teacher alpha 0.999, pseudo-label
# threshold 0.968, ClassMix, colour jitter (0.2, p 0.2) and blur; rare-class
# sampling (T 0.01, min_pixels 3000); thing-class ImageNet feature distance
# (lambda 0.005, majority ratio 0.75); AdamW 6e-5 with warm-up and poly
# (_base_/schedules/daformer_adamw_warmup_40k.py). GTA5 resized to
# 1280x720 (keeping its ratio) and Cityscapes to 1024x512, random 512x512
# crops (source: no class above 75% of a crop), flips, batch 2 + 2.
# Not included: the crop re-draw of RCS (min_crop_ratio 0.5) and the
# pseudo-label margins (top 15 / bottom 120 rows); see README.
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
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    batch_size=2,
    # rare-class sampling; class statistics cached in data/gta5
    sampler=dict(
        _delete_=True,
        type='RareClassSampler',
        temperature=0.01,
        min_pixels=3000,
        cache_file='rcs_class_stats.json'),
    dataset=dict(
        source=dict(pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
model = dict(
    _delete_=True,
    type='DACS',
    segmentor={{_base_.model}},
    teacher=dict(type='EMATeacher', alpha=0.999),
    pseudo_labeler=dict(type='QualityPseudoLabeler', threshold=0.968),
    color_jitter=dict(strength=0.2, prob=0.2),
    blur=dict(prob=0.5, sigma_range=(0.15, 1.15)),
    # a frozen copy of the ImageNet MiT-B5 (same local weights)
    feature_distance=dict(
        type='FeatureDistanceLoss',
        encoder={{_base_.model.backbone}},
        num_classes=19,
        classes=(6, 7, 11, 12, 13, 14, 15, 16, 17, 18),
        min_ratio=0.75,
        level=-1,
        loss_weight=0.005))
