# FADA stage 1 for SYNTHIA -> Cityscapes: source-only warm-up on
# SYNTHIA-RAND-CITYSCAPES (19 classes trained; 16 and 13 reported), otherwise
# as fada_r101_gta2cs-warmup.py.
_base_ = [
    '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/synthia2cs.py',
    '../_base_/datasets/fada_color_jitter.py',
    '../_base_/schedules/fada_warmup_20k.py', '../_base_/default_runtime.py'
]
# flips and FADA's colour jitter (_base_/datasets/fada_color_jitter.py)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    # 16-bit labels, class id in the first channel (BGR order: channel 2)
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
    dict(type='Resize', scale={{_base_.source_scale}}, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    {{_base_.color_jitter}},
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    _delete_=True,
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='SynthiaDataset',
        data_root={{_base_.source_root}},
        pipeline=source_pipeline))
