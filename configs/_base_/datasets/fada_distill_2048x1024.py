# FADA's self-distillation recipe at the full resolution of Cityscapes and
# Cross-City (2048x1024), from the official repo: a fresh student learns
# from pseudo labels with random scale 0.5-1.5, 1024x512 crops, flips and
# colour jitter, and is tested at 2048x1024. The distill configs build
# their pseudo-label dataset and test pipeline from these pieces.
# FADA's colour jitter (as fada_color_jitter.py)
color_jitter = dict(
    type='PhotoMetricDistortion',
    contrast_range=(0.5, 1.5),
    saturation_range=(0.5, 1.5),
    hue_delta=36)
full_scale = (2048, 1024)
crop_size = (512, 1024)
distill_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),  # uint8 pseudo labels in the model's ids
    dict(
        type='RandomResize',
        scale=full_scale,
        ratio_range=(0.5, 1.5),
        keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    color_jitter,
    dict(type='PackSegInputs')
]
