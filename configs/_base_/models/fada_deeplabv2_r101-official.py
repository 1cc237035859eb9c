# FADA's network exactly as its official code builds it
# (github.com/JDAI-CV/FADA: core/models/feature_extractor.py, resnet.py,
# layers.py, classifier.py, discriminator.py), which its checkpoints come
# from:
# - torchvision's ResNet-101 with replace_stride_with_dilation: the first
#   block of conv4 / conv5 has dilation 1 / 2 (contract_dilation=True),
#   ImageNet weights (RGB, ImageNet mean / std);
# - the source-only and adversarial stages use FrozenBatchNorm2d, which adds
#   no epsilon to the variance (FrozenBN, eps 0); the self-distillation
#   stage (and its released g2c_sd.pth / s2c_sd.pth) uses plain BatchNorm;
# - classifier and discriminator logits resized with align_corners=True;
# - the discriminator's source (cls1) and target (cls2) convs stacked into
#   one 2K-channel conv (tools/model_converters/fada2mmseg.py does that).
# The FADA settings are those of fada_deeplabv2_r101.py.
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
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
            contract_dilation=True,
            norm_cfg=dict(type='FrozenBN'),
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
            align_corners=True,
            loss_decode=dict(
                type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
        train_cfg=dict(),
        test_cfg=dict(mode='whole')),
    discriminator=dict(
        type='FineGrainedDiscriminator',
        in_channels=2048,
        num_classes=19,
        align_corners=True),
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
