# FADA stage 1: source-only warm-up of DeepLabV2-R101 (ImageNet weights,
# frozen BN) on GTA5 for 20k iterations with batch 8 (paper Sec. 4.3; the
# official repo: 4 GPUs x 2). Batch sizes in these configs are totals on one
# GPU; tools/run_pipeline.py --gpus N divides them per GPU.
_base_ = [
    '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/gta2cs.py',
    '../_base_/datasets/fada_color_jitter.py',
    '../_base_/schedules/fada_warmup_20k.py', '../_base_/default_runtime.py'
]
# flips and FADA's colour jitter (_base_/datasets/fada_color_jitter.py)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='LoadUDAAnnotations',
        label_mapping='cityscapes',
        size_mismatch='resize'),
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
        type='GTA5Dataset',
        data_root={{_base_.source_root}},
        pipeline=source_pipeline))
