# CIRN stage 2 (Gao et al., AAAI 2021, Eq. 6-8) around DeepLabV2-R101: the
# backbone's layer4 feature goes to the classifier C (the DeepLabV2 ASPP
# classifier) and to the Ancillary Classifier Module (a copy of C with K = 2
# attention modules, ACMHead); their summed logits are the prediction. One
# output-space discriminator (CLAN's = AdaptSegNet's: 5 convs 4x4 stride 2,
# {64, 128, 256, 512, 1}, LeakyReLU 0.2) sees softmax(p1 + p2) at input
# size; lambda_adv = 0.001, lambda_cos = 40, epsilon = 0.4 (paper), the
# target terms weighted per pixel by epsilon + lambda_cos * R(p1, p2).
# Where the paper is silent, CLAN's official code: weight-discrepancy loss
# cos + 1 between C and the ACM's classifier with weight 2 x 0.01, pre-heat
# (unweighted BCE for the first 1/20 of the 100k iterations) and damping
# (1 - iter / max_iters) of the segmentor's adversarial and weight terms.
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
    type='CIRN',
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
            type='ACMHead',
            in_channels=2048,
            in_index=3,
            dilations=(6, 12, 18, 24),
            num_classes=19,
            align_corners=False,
            num_attention=2,
            attention_layout='branch',
            attention_channels=512,
            gating='residual',
            loss_decode=dict(
                type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
        train_cfg=dict(),
        test_cfg=dict(mode='whole')),
    discriminator=dict(
        type='MultiLevelDiscriminator',
        discriminators=dict(
            decode_head=dict(type='FCDiscriminator', in_channels=19))),
    adv_weights=dict(decode_head=0.001),
    lambda_cos=40.0,
    epsilon=0.4,
    weight_discrepancy=dict(type='WeightDiscrepancyLoss', loss_weight=0.02),
    seg_loss='sum',
    preheat_iters=5000,
    damping=True,
    detach_pixel_weight=False,
    gan_loss=dict(type='GANLoss', gan_type='vanilla'),
    source_label=1.0,
    target_label=0.0)
