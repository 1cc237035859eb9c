# CIRN stage 2 on GTA5 -> Cityscapes (paper Tables 1, 3, 4): DeepLabV2-R101
# (ImageNet weights) with classifier C + ACM (K = 2) and an output-space
# discriminator, trained on the CIR images (GTA5 translated by stage 1,
# labels unchanged) and the unlabelled Cityscapes train images:
#   python tools/translate.py \
#       configs/translators/cyclegan_gta2cs-cirn-semantic.py \
#       work_dirs/cyclegan_gta2cs-cirn-semantic/iter_499320.pth \
#       --scale 1280 720 --out-root data/gta5_cirn
# Images resized as in the paper (GTA5 1280x720, Cityscapes 1024x512), not
# cropped; random horizontal flips (CLAN; the paper is silent); batch 1 + 1.
_base_ = [
    '../_base_/models/cirn_deeplabv2_r101.py', '../_base_/datasets/gta2cs.py',
    '../_base_/schedules/cirn_100k.py', '../_base_/default_runtime.py'
]
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='LoadUDAAnnotations',
        label_mapping='cityscapes',
        size_mismatch='resize'),
    dict(type='Resize', scale={{_base_.source_scale}}, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale={{_base_.target_scale}}, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    dataset=dict(
        source=dict(data_root='data/gta5_cirn', pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
