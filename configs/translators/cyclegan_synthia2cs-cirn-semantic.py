# CIRN stage 1 for SYNTHIA -> Cityscapes: cyclegan_gta2cs-cirn-semantic.py
# (log GAN loss, no identity term, semantic consistency weight 1, batch 1)
# with SYNTHIA-RAND-CITYSCAPES as the source, resized to 1280x760 as in the
# paper before the 452x452 crops (translate with `tools/translate.py ...
# --scale 1280 760`), its labels mapped to the 19 Cityscapes train ids.
# 20 epochs of SYNTHIA's 9,400 images at batch 1 = 188,000 iterations, lr
# decay over the last 10. segmentor_checkpoint: the SYNTHIA source-only
# model of configs/source_only/deeplabv2_r101_synthia2cs.py.
_base_ = ['./cyclegan_synthia2cs.py']
source_pipeline = [
    dict(type='LoadImageFromFile'),
    # 16-bit labels, class id in the first channel (BGR order: channel 2)
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
    dict(type='Resize', scale={{_base_.source_scale}}, keep_ratio=False),
    dict(type='RandomCrop', crop_size={{_base_.crop_size}}),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale={{_base_.target_scale}}, keep_ratio=False),
    dict(type='RandomCrop', crop_size={{_base_.crop_size}}),
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
model = dict(
    gan_loss=dict(type='GANLoss', gan_type='vanilla'),
    cycle_weight=10.0,
    identity_weight=0.0,
    segmentor={{_base_.segmentor}},
    segmentor_checkpoint='work_dirs/deeplabv2_r101_synthia2cs/'
    'iter_150000.pth',
    semantic_loss=dict(type='SemanticConsistencyLoss', loss_weight=1.0))
linear_decay = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.0,
        begin=94000,
        end=188000,
        by_epoch=False)
]
param_scheduler = dict(generators=linear_decay, discriminators=linear_decay)
train_cfg = dict(max_iters=188000)
default_hooks = dict(checkpoint=dict(interval=9400))
