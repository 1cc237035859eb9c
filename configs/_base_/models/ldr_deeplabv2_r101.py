# LDR (Yang et al., ECCV 2020) with DeepLab-ResNet101: G = DeepLabV2-R101;
# the output-space D of Sec. 4.2 (5 convs 4x4 / 2, {64, 128, 256, 512, 1},
# LeakyReLU 0.2) on the softmax of G, BCE (Eq. 2), lambda 1e-3, its map not
# upsampled (BDL's code); M, D_1..3 and the losses of Eq. 4-5 from
# ldr_reconstruction.py; alpha 1e-3, beta 10, tau 1e-3 (Sec. 4.3, Table 5);
# M's own GAN term weighted alpha too (Eq. 6 read literally); the
# pseudo-label CE averaged over the kept pixels.
norm_cfg = dict(type='BN', requires_grad=False)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    # source and target keep their own sizes (no common crop size); a
    # training batch is only padded to a multiple of the output stride
    size_divisor=8)
# M, D_1..3 and the Eq. 4-5 losses as ldr_reconstruction.py
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
model = dict(
    type='LDR',
    segmentor=dict(
        type='EncoderDecoder',
        data_preprocessor=data_preprocessor,
        backbone=dict(
            type='ResNet',
            depth=101,
            num_stages=4,
            out_indices=(0, 1, 2, 3),
            strides=(1, 2, 1, 1),
            dilations=(1, 1, 2, 4),
            norm_cfg=norm_cfg,
            norm_eval=True,
            style='pytorch',
            init_cfg=dict(
                type='LocalPretrained',
                checkpoint='checkpoints/resnet101_imagenet.pth')),
        decode_head=dict(
            type='DeepLabV2Head',
            in_channels=2048,
            in_index=3,
            dilations=(6, 12, 18, 24),
            num_classes=19,
            align_corners=False,
            loss_decode=dict(
                type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
        train_cfg=dict(),
        test_cfg=dict(mode='whole')),
    discriminator=dict(
        type='MultiLevelDiscriminator',
        discriminators=dict(
            decode_head=dict(
                type='FCDiscriminator', in_channels=19,
                upsample_output=False))),
    reconstructor=reconstructor,
    recon_discriminator=recon_discriminator,
    recon_gan_loss=recon_gan_loss,
    feature_matching_loss=feature_matching_loss,
    perceptual_loss=perceptual_loss,
    alpha=0.001,
    beta=10.0,
    tau=0.001,
    reconstructor_gan_weight=None,
    adv_weights=dict(decode_head=0.001),
    gan_loss=dict(type='GANLoss', gan_type='vanilla'),
    target_loss=dict(
        type='PseudoLabelLoss',
        loss_weight=1.0,
        average_over='kept',
        allow_unlabelled=True))
