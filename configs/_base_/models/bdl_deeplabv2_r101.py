# BDL's segmentation adaptation model M (paper Sec. 3.3, 5): DeepLabV2-R101
# with one output-space discriminator on the softmax of its classifier (5
# convs 4x4 / 2, {64, 128, 256, 512, 1}, LeakyReLU 0.2), lambda_adv 0.001,
# BCE; target pseudo-label cross-entropy weight 1 averaged over all pixels
# (Eq. 9). The discriminator's map is not upsampled (the paper is silent;
# the official code computes BCE on the native map).
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
model = dict(
    type='BDL',
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
    adv_weights=dict(decode_head=0.001),
    gan_loss=dict(type='GANLoss', gan_type='vanilla'),
    target_loss=dict(
        type='PseudoLabelLoss',
        loss_weight=1.0,
        average_over='all',
        allow_unlabelled=True))
