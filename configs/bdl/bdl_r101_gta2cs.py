# BDL's segmentation adaptation model M_0^(k) on GTA5 -> Cityscapes (Li et
# al., "Bidirectional Learning for Domain Adaptation of Semantic
# Segmentation", CVPR 2019, Eq. 1): DeepLabV2-R101 on the source images
# translated by the round's CycleGAN F^(k) (tools/translate.py ... --out-root
# data/gta5_cs) + output-space adversarial loss on Cityscapes, 80k
# iterations. The whole loop of Algorithm 1 is
# bdl_r101_gta2cs_pipeline.py. Paper: images resized so that the long side
# is 1024, ratio kept (GTA5 1024x563, Cityscapes 1024x512; the official
# code resizes GTA5 to 1280x720: --cfg-options with the gta2cs base's
# pipelines).
_base_ = [
    '../_base_/models/bdl_deeplabv2_r101.py',
    '../_base_/datasets/gta2cs.py', '../_base_/schedules/bdl_80k.py',
    '../_base_/default_runtime.py'
]
long_side = (1024, 1024)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='LoadUDAAnnotations',
        label_mapping='cityscapes',
        size_mismatch='resize'),
    dict(type='Resize', scale=long_side, keep_ratio=True),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=long_side, keep_ratio=True),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    dataset=dict(
        source=dict(data_root='data/gta5_cs', pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
