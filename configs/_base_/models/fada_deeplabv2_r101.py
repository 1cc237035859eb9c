# FADA around DeepLabV2-R101 (Wang et al., ECCV 2020): a fine-grained
# discriminator (3x3 convs 256 -> 128 -> 2K, LeakyReLU 0.2) on the 2048-d
# layer4 features, soft domain encodings (softmax(logits / 1.8), confidence
# clipping at 0.9), lambda_adv = 0.001. The official code resizes the
# discriminator's and the classifier's logits to the input size before the
# loss (loss_resolution='image'); its tempered source cross-entropy and
# halved discriminator terms are options (source_ce_temperature=1.8,
# disc_term_weight=0.5), the paper's choices are the defaults.
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
    type='FADA',
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
        type='FineGrainedDiscriminator', in_channels=2048, num_classes=19),
    adv_weight=0.001,
    domain_encoding=dict(
        type='DomainEncodingLoss',
        label_type='soft',
        temperature=1.8,
        clip_threshold=0.9),
    feature_index=-1,
    loss_resolution='image',
    source_ce_temperature=None,
    disc_term_weight=1.0)
