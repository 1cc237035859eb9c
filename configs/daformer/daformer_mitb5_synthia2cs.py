# DAFormer, SYNTHIA -> Cityscapes, MiT-B5 + DAFormer head (official config
# syn2cs_uda_warm_fdthings_rcs_croppl_a999_daformer_mitb5_s0.py): the
# settings of daformer_mitb5_gta2cs.py with SYNTHIA-RAND-CITYSCAPES resized
# to 1280x760 (keeping its ratio) as the source; trained on the 19
# Cityscapes classes, reported as mIoU16 / mIoU13.
_base_ = [
    '../_base_/models/daformer_sepaspp_mit-b5.py',
    '../_base_/datasets/synthia2cs.py',
    '../_base_/schedules/daformer_adamw_warmup_40k.py',
    '../_base_/default_runtime.py'
]
crop_size = (512, 512)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    # 16-bit labels, class id in the first channel (BGR order: channel 2)
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
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
    # rare-class sampling; class statistics cached in data/synthia
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
