# HRDA's multi-resolution segmentor trained on the toy source alone: the
# segmentor of hrda/hrda_r18_toy-gta2cs.py (the toy DeepLabV2, context = the
# whole 256x128 image at half resolution, detail crop 64x128 at full
# resolution, class-wise scale attention, fused CE + 0.1 x detail CE) with
# the schedule of deeplabv2_r18_toy-gta2cs.py, so that the effect of the
# multi-resolution fusion is measured without adaptation.
_base_ = ['./deeplabv2_r18_toy-gta2cs.py']
full_res = (256, 128)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
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
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
model = dict(
    type='HRDAEncoderDecoder',
    context_scale=0.5,
    detail_crop_size=(64, 128),
    crop_coord_divisible=8,
    decode_head=dict(
        type='HRDAHead',
        single_scale_head='DeepLabV2Head',
        attention_classwise=True,
        detail_loss_weight=0.1))
