# FADA stage 1 for SYNTHIA -> Cityscapes: source-only warm-up on
# SYNTHIA-RAND-CITYSCAPES (19 classes trained; 16 and 13 reported), otherwise
# as fada_r101_gta2cs-warmup.py.
_base_ = ['./fada_r101_gta2cs-warmup.py']
source_pipeline = [
    dict(type='LoadImageFromFile'),
    # 16-bit labels, class id in the first channel (BGR order: channel 2)
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
    dict(type='Resize', scale=(1280, 760), keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    {{_base_.color_jitter}},
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='SynthiaDataset',
        data_root='data/synthia',
        pipeline=source_pipeline))
