# LDR stage 3: pre-training of the reconstruction network M and its
# discriminators D_1..3 on the GTA5 labels -> images (paper Sec. 4.3,
# pix2pixHD's losses: GAN + 10 * (feature matching + VGG19)), at the scale
# the joint training sees (1280x720, resized). The labels enter as one-hot
# maps, ignored pixels all zero. 100k iterations of batch 1.
#   python tools/train.py configs/ldr/ldr_recon-pretrain_gta5.py
_base_ = [
    '../_base_/models/ldr_reconstruction.py', '../_base_/datasets/gta2cs.py',
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
# No validation: tools/analysis_tools/reconstruction_distance.py measures M.
val_dataloader = None
val_evaluator = None
test_dataloader = None
test_evaluator = None
