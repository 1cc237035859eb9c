# FADA stage 1: source-only warm-up of DeepLabV2-R101 (ImageNet weights,
# frozen BN) on GTA5 for 20k iterations with batch 8 (paper Sec. 4.3; the
# official repo: 4 GPUs x 2). Batch sizes in these configs are totals on one
# GPU; tools/run_pipeline.py --gpus N divides them per GPU.
_base_ = [
    '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/gta2cs.py',
    '../_base_/schedules/fada_warmup_20k.py', '../_base_/default_runtime.py'
]
# Paper: "random flip and color jittering". The official repo jitters source
# images only, with torchvision's ColorJitter(0.5, 0.5, 0.5, 0.2); mmseg's
# PhotoMetricDistortion with the same contrast, saturation and hue ranges
# (hue in OpenCV's 0-180 units) stands in for it (its brightness change is
# additive, +-32).
color_jitter = dict(
    type='PhotoMetricDistortion',
    contrast_range=(0.5, 1.5),
    saturation_range=(0.5, 1.5),
    hue_delta=36)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='LoadUDAAnnotations',
        label_mapping='cityscapes',
        size_mismatch='resize'),
    dict(type='Resize', scale={{_base_.source_scale}}, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5), color_jitter,
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    _delete_=True,
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='GTA5Dataset',
        data_root={{_base_.source_root}},
        pipeline=source_pipeline))
