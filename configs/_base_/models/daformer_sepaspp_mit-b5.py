# DAFormer (Hoyer et al., CVPR 2022): its network as the student of DACS'
# self-training with DAFormer's settings.
# Network (Sec. 3.2; official config _base_/models/daformer_sepaspp_mitb5.py):
# mmseg's MiT-B5 encoder and the DAFormer head (each level embedded to 256
# channels, fused at 1/4 by depthwise-separable ASPP branches with dilations
# 1, 6, 12 and 18, no pooling branch, BN + ReLU, dropout 0.1).
# Self-training (official uda/dacs_a999_fdthings.py): EMA teacher alpha
# 0.999, pseudo-label threshold 0.968, ClassMix, colour jitter (strength
# 0.2, applied with probability 0.8: the official code jitters when
# U[0, 1] > 0.2) and Gaussian blur of the mixed images; the thing-class
# feature distance to a frozen copy of the ImageNet MiT-B5 (lambda 0.005,
# majority ratio 0.75, last stage).
# ImageNet weights of SegFormer's release (mit_b5.pth) are read from a local
# file, converted to mmseg's key names by mmseg's own converter:
#   python tools/model_converters/mit2mmseg.py mit_b5.pth \
#       checkpoints/mit_b5_imagenet.pth   (in the mmsegmentation repository)
# Switch them off with --cfg-options model.segmentor.backbone.init_cfg=None.
norm_cfg = dict(type='BN', requires_grad=True)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size_divisor=32)
segmentor = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='MixVisionTransformer',
        in_channels=3,
        embed_dims=64,
        num_stages=4,
        num_layers=[3, 6, 40, 3],
        num_heads=[1, 2, 5, 8],
        patch_sizes=[7, 3, 3, 3],
        sr_ratios=[8, 4, 2, 1],
        out_indices=(0, 1, 2, 3),
        mlp_ratio=4,
        qkv_bias=True,
        drop_rate=0.,
        attn_drop_rate=0.,
        drop_path_rate=0.1,
        init_cfg=dict(
            type='LocalPretrained',
            checkpoint='checkpoints/mit_b5_imagenet.pth')),
    decode_head=dict(
        type='DAFormerHead',
        in_channels=[64, 128, 320, 512],
        in_index=[0, 1, 2, 3],
        channels=256,
        embed_dims=256,
        dilations=(1, 6, 12, 18),
        separable=True,
        pool=False,
        dropout_ratio=0.1,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
model = dict(
    type='DACS',
    segmentor=segmentor,
    teacher=dict(type='EMATeacher', alpha=0.999),
    pseudo_labeler=dict(type='QualityPseudoLabeler', threshold=0.968),
    color_jitter=dict(strength=0.2, prob=0.8),
    blur=dict(prob=0.5, sigma_range=(0.15, 1.15)),
    # a frozen copy of the ImageNet MiT-B5 (the same local weights)
    feature_distance=dict(
        type='FeatureDistanceLoss',
        encoder=segmentor['backbone'],
        num_classes=19,
        classes=(6, 7, 11, 12, 13, 14, 15, 16, 17, 18),
        min_ratio=0.75,
        level=-1,
        loss_weight=0.005))
