# LDR stage 3 for SYNTHIA -> Cityscapes: ldr_recon-pretrain_gta5.py on the
# SYNTHIA-RAND-CITYSCAPES labels -> images at 1280x760, 50k iterations
# (about 5 epochs; the paper gives no length).
_base_ = [
    '../_base_/models/ldr_reconstruction.py',
    '../_base_/datasets/synthia2cs.py',
    '../_base_/schedules/ldr_recon_pretrain_100k.py',
    '../_base_/default_runtime.py'
]
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[127.5, 127.5, 127.5],
    std=[127.5, 127.5, 127.5],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size_divisor=8)
model = dict(
    type='LabelReconstructor',
    data_preprocessor=data_preprocessor,
    num_classes=19,
    reconstructor={{_base_.reconstructor}},
    recon_discriminator={{_base_.recon_discriminator}},
    recon_gan_loss={{_base_.recon_gan_loss}},
    feature_matching_loss={{_base_.feature_matching_loss}},
    perceptual_loss={{_base_.perceptual_loss}},
    gan_weight=1.0,
    rec_weight=10.0)
train_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset={{_base_.source_train_dataset}})
default_hooks = dict(checkpoint=dict(interval=10000))
linear_decay = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.0,
        begin=0,
        end=50000,
        by_epoch=False)
]
param_scheduler = dict(
    reconstructor=linear_decay, recon_discriminator=linear_decay)
train_cfg = dict(max_iters=50000)
# No validation: tools/analysis_tools/reconstruction_distance.py measures M.
val_dataloader = None
val_evaluator = None
test_dataloader = None
test_evaluator = None
