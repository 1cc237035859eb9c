# LDR's reconstruction network M and discriminators D_1..3 (Yang et al.,
# ECCV 2020, Sec. 3.4, 4.2) and the losses of Eq. 4-5, shared by the
# pre-training of M (configs/ldr/ldr_recon-pretrain_*.py) and the joint
# training (_base_/models/ldr_deeplabv2_r101.py):
# - M: Sec. 4.2 read with its strides swapped (reading 1): 3 stride-2 3x3
#   convs (64, 128, 256), 9 residual blocks, 3 stride-2 3x3 transposed convs
#   (128, 64, 3), instance norm + ReLU, tanh; input the 19-class label map.
#   Reading 2 (CycleGAN's ResNet-9 generator): outer_convs=True,
#   num_downsamples=2;
# - D_1..3: pix2pixHD's PatchGANs (ndf 64, 3 layers, 4x4 convs padded by 2,
#   instance norm) on [label map, image] (19 + 3 channels) at scales 1, 1/2,
#   1/4; LS-GAN (pix2pixHD);
# - Eq. 5: pix2pixHD's VGG19 loss (relu1_1..relu5_1, weights 1/32 .. 1;
#   ImageNet weights from checkpoints/vgg19_imagenet.pth) and feature
#   matching (1/3 per layer).
reconstructor = dict(
    type='ResNetGenerator',
    in_channels=19,
    base_channels=64,
    num_blocks=9,
    num_downsamples=3,
    outer_convs=False)
recon_discriminator = dict(
    type='MultiScalePatchDiscriminator',
    num_scales=3,
    discriminator=dict(
        type='PatchDiscriminator',
        in_channels=22,
        base_channels=64,
        num_layers=3,
        padding=2))
recon_gan_loss = dict(type='GANLoss', gan_type='lsgan')
feature_matching_loss = dict(
    type='FeatureMatchingLoss', pix2pixhd_weights=True)
perceptual_loss = dict(
    type='VGGPerceptualLoss', pretrained='checkpoints/vgg19_imagenet.pth')
