# CycleGAN GTA5 <-> Cityscapes, the image translator of BDL and CIRN (stage
# 1): ResNet-9-block generators, 70x70 PatchGAN discriminators, LS-GAN, cycle
# weight 10, identity weight 0.5 (relative; CycleGAN's code and BDL's
# official code, not in BDL's Eq. 2), image pools of 50; random 452x452
# crops (BDL Sec. 4) of the images resized to a long side of 1024 (the
# scale BDL's segmentation model trains at; the official code's
# scale_width 1024), batch 4 (official code). Apply it with
# tools/translate.py ... --scale 1024 563 (see README.md).
_base_ = [
    '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/gta2cs.py',
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
default_hooks = dict(checkpoint=dict(interval=6242))
# No validation: a translator is judged by the segmentation models trained
# on its translations (and by tools/analysis_tools/domain_distance.py).
val_dataloader = None
val_evaluator = None
test_dataloader = None
test_evaluator = None
