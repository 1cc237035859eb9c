# LDR on the built-in toy benchmark, CPU-sized: the toy DeepLabV2-R18
# (deeplabv2_r18-toy.py), the output-space D at a quarter of the paper's
# widths, M, D_1..3 and the Eq. 4-5 losses of ldr_reconstruction_toy.py;
# LDR's defaults are the paper's weights (alpha 1e-3, beta 10, tau 1e-3,
# lambda 1e-3, see ldr_deeplabv2_r101.py), except that the gradient the
# reconstruction sends to G through Omega is scaled by 0.01: at 1 (Eq. 6)
# it is about 70x the segmentation losses' and wrecks the toy G within a
# few iterations (2.3 mIoU, seed 0; see configs/ldr/README.md).
norm_cfg = dict(type='GN', num_groups=8, requires_grad=True)
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
# M, D_1..3 and the Eq. 4-5 losses as ldr_reconstruction_toy.py
reconstructor = dict(
    type='ResNetGenerator',
    in_channels=19,
    base_channels=16,
    num_blocks=3,
    num_downsamples=2,
    outer_convs=False)
recon_discriminator = dict(
    type='MultiScalePatchDiscriminator',
    num_scales=3,
    discriminator=dict(
        type='PatchDiscriminator',
        in_channels=22,
        base_channels=8,
        num_layers=3,
        padding=2))
recon_gan_loss = dict(type='GANLoss', gan_type='lsgan')
feature_matching_loss = dict(
    type='FeatureMatchingLoss', pix2pixhd_weights=True)
perceptual_loss = dict(
    type='VGGPerceptualLoss',
    pretrained=None,
    base_channels=16,
    layer_weights=(1 / 32, 1 / 16, 1 / 8))
model = dict(
    type='LDR',
    segmentor=dict(
        type='EncoderDecoder',
        data_preprocessor=data_preprocessor,
        backbone=dict(
            type='ResNet',
            depth=18,
            stem_channels=16,
            base_channels=16,
            num_stages=4,
            out_indices=(0, 1, 2, 3),
            strides=(1, 2, 1, 1),
            dilations=(1, 1, 2, 4),
            norm_cfg=norm_cfg,
            style='pytorch'),
        decode_head=dict(
            type='DeepLabV2Head',
            in_channels=128,
            in_index=3,
            dilations=(1, 2, 3, 4),
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
                type='FCDiscriminator',
                in_channels=19,
                channels=(16, 32, 64, 128),
                upsample_output=False))),
    reconstructor=reconstructor,
    recon_discriminator=recon_discriminator,
    recon_gan_loss=recon_gan_loss,
    feature_matching_loss=feature_matching_loss,
    perceptual_loss=perceptual_loss,
    segmentor_rec_scale=0.01)
