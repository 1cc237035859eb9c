# CIRN stage 2 around the toy DeepLabV2 (deeplabv2_r18-toy.py) for the CPU
# toy benchmark: the settings of cirn_deeplabv2_r101.py with the toy widths
# (layer4 has 128 channels instead of 2048, so each attention module has
# 512 / 16 = 32 hidden channels; the discriminator a quarter of the
# paper's widths, as the toy AdaptSegNet) and the ASPP rates of the toy
# model. Pre-heat = 1/20 of the toy schedule's 1k iterations (CLAN).
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
model = dict(
    type='CIRN',
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
            type='ACMHead',
            in_channels=128,
            in_index=3,
            dilations=(1, 2, 3, 4),
            num_classes=19,
            align_corners=False,
            num_attention=2,
            attention_layout='branch',
            attention_channels=32,
            gating='residual',
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
                channels=(16, 32, 64, 128)))),
    adv_weights=dict(decode_head=0.001),
    lambda_cos=40.0,
    epsilon=0.4,
    weight_discrepancy=dict(type='WeightDiscrepancyLoss', loss_weight=0.02),
    seg_loss='sum',
    preheat_iters=50,
    damping=True,
    detach_pixel_weight=False,
    gan_loss=dict(type='GANLoss', gan_type='vanilla'),
    source_label=1.0,
    target_label=0.0)
