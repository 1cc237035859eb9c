# CIRN stage 1 on the built-in toy benchmark, CPU-sized: the translator of
# cyclegan_toy-gta2cs.py (CycleGAN at 1/8 of the width, 3 residual blocks,
# batch 1, 1k iterations) with CIRN's losses (cyclegan_gta2cs-cirn-semantic.py:
# log GAN loss, cycle 10, no identity term, semantic consistency weight 1)
# through the frozen toy source-only model
# (configs/source_only/deeplabv2_r18_toy-gta2cs.py). That model trained on
# the 256x128 toy images resized to 128x64, so the translator sees them at
# that scale too (random 64x64 crops of the 128x64 images, labels loaded for
# Eq. 4); translate with `tools/translate.py ... --scale 128 64`.
_base_ = [
    '../_base_/models/deeplabv2_r18-toy.py',
    '../_base_/datasets/toy_gta2cs.py',
    '../_base_/schedules/cyclegan_toy_1k.py', '../_base_/default_runtime.py'
]
segmentor = {{_base_.model}}
crop_size = (64, 64)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='Resize', scale={{_base_.scale}}, keep_ratio=False),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale={{_base_.scale}}, keep_ratio=False),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
source_train_dataset = dict(pipeline=source_pipeline)
target_train_dataset = dict(pipeline=target_pipeline)
train_dataloader = dict(
    batch_size=1,
    dataset=dict(
        source=dict(pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
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
    generator=dict(type='ResNetGenerator', base_channels=8, num_blocks=3),
    discriminator=dict(
        type='PatchDiscriminator', base_channels=8, num_layers=3),
    gan_loss=dict(type='GANLoss', gan_type='vanilla'),
    cycle_weight=10.0,
    identity_weight=0.0,
    pool_size=50,
    direction='source_to_target',
    segmentor=segmentor,
    segmentor_checkpoint='work_dirs/deeplabv2_r18_toy-gta2cs/iter_1000.pth',
    semantic_loss=dict(type='SemanticConsistencyLoss', loss_weight=1.0))
val_dataloader = None
val_evaluator = None
test_dataloader = None
test_evaluator = None
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=1000))
