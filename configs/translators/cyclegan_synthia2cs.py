# CycleGAN SYNTHIA-RAND-CITYSCAPES <-> Cityscapes (BDL's SYNTHIA translator):
# the settings of cyclegan_gta2cs.py; 20 epochs of SYNTHIA's 9,400 images at
# batch 4 = 47,000 iterations, linear lr decay over the last 10 epochs.
_base_ = [
    '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/synthia2cs.py',
    '../_base_/schedules/cyclegan_125k.py', '../_base_/default_runtime.py'
]
# The frozen segmentation model of the consistency variants
# (cyclegan_gta2cs-bdl-perceptual.py, cyclegan_gta2cs-cirn-semantic.py); the
# plain translator does not use it.
segmentor = {{_base_.model}}
crop_size = (452, 452)
long_side = (1024, 1024)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=long_side, keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
target_pipeline = source_pipeline
source_train_dataset = dict(pipeline=source_pipeline)
target_train_dataset = dict(pipeline=target_pipeline)
train_dataloader = dict(
    batch_size=4,
    dataset=dict(
        source=dict(pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
# Images in RGB, scaled to [-1, 1] (the generators end with tanh).
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[127.5, 127.5, 127.5],
    std=[127.5, 127.5, 127.5],
    bgr_to_rgb=True,
    size_divisor=4,
    pad_val=0,
    seg_pad_val=255)
model = dict(
    _delete_=True,
    type='CycleGANTranslator',
    data_preprocessor=data_preprocessor,
    generator=dict(type='ResNetGenerator', base_channels=64, num_blocks=9),
    discriminator=dict(
        type='PatchDiscriminator', base_channels=64, num_layers=3),
    gan_loss=dict(type='GANLoss', gan_type='lsgan'),
    cycle_weight=10.0,
    identity_weight=0.5,
    pool_size=50,
    direction='source_to_target')
# one checkpoint per epoch (6,242 iterations)
linear_decay = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.0,
        begin=23500,
        end=47000,
        by_epoch=False)
]
param_scheduler = dict(generators=linear_decay, discriminators=linear_decay)
train_cfg = dict(max_iters=47000)
default_hooks = dict(checkpoint=dict(interval=2350))
# No validation: a translator is judged by the segmentation models trained
# on its translations (and by tools/analysis_tools/domain_distance.py).
val_dataloader = None
val_evaluator = None
test_dataloader = None
test_evaluator = None
