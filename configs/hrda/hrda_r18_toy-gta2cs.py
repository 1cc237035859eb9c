# HRDA on the built-in toy benchmark: DAFormer's toy strategy
# (daformer_r18_toy-gta2cs.py: DACS + rare-class sampling + warm-up) with the
# toy DeepLabV2 inside HRDA's multi-resolution segmentor. As the paper's
# 1024x1024 context crop of a 2048x1024 Cityscapes image, the context is the
# whole toy image at full resolution (256x128) seen at half resolution
# (128x64, the size every other toy config trains on); the detail crop is
# half of each side at full resolution (64x128, corner divisible by 8, the
# toy's output stride); class-wise scale attention from a second toy ASPP
# head; fused CE + 0.1 x detail CE. Pseudo labels and tests fuse the
# context with overlapping detail windows (stride half a window).
_base_ = ['../daformer/daformer_r18_toy-gta2cs.py']
full_res = (256, 128)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='Resize', scale=full_res, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=full_res, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=full_res, keep_ratio=False),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    dataset=dict(
        source=dict(pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
model = dict(
    segmentor=dict(
        type='HRDAEncoderDecoder',
        context_scale=0.5,
        detail_crop_size=(64, 128),
        crop_coord_divisible=8,
        decode_head=dict(
            type='HRDAHead',
            single_scale_head='DeepLabV2Head',
            attention_classwise=True,
            detail_loss_weight=0.1)))
