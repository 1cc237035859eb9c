# BDL's segmentation adaptation model M exactly as its official code builds
# and trains it (github.com/liyunsheng13/BDL: model/deeplab.py,
# model/discriminator.py, BDL.py), which its released models come from:
# - caffe-style DeepLabV2 ResNet-101 (stride in the first 1x1 conv of a
#   stage, stem max-pool with ceil_mode), started from the DeepLab initial
#   model (convert it with tools/model_converters/deeplab_init2mmseg.py);
# - BGR images minus the caffe mean, no std;
# - BatchNorm affine frozen but batch statistics in training (model.train()):
#   norm_eval=False with requires_grad=False;
# - one classifier on conv5 summing all four ASPP branches;
# - logits resized with align_corners=True;
# - the discriminator scored on its native map (no upsampling).
norm_cfg = dict(type='BN', requires_grad=False)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[104.00698793, 116.66876762, 122.67891434],
    std=[1.0, 1.0, 1.0],
    bgr_to_rgb=False,
    pad_val=0,
    seg_pad_val=255,
    size_divisor=8)
model = dict(
    type='BDL',
    segmentor=dict(
        type='EncoderDecoder',
        data_preprocessor=data_preprocessor,
        backbone=dict(
            type='DeepLabV2ResNet',
            depth=101,
            out_indices=(0, 1, 2, 3),
            norm_cfg=norm_cfg,
            norm_eval=False,
            init_cfg=dict(
                type='LocalPretrained',
                checkpoint='checkpoints/deeplab_resnet101_init.pth')),
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
        type='MultiLevelDiscriminator',
        discriminators=dict(
            decode_head=dict(
                type='FCDiscriminator', in_channels=19,
                upsample_output=False))),
    adv_weights=dict(decode_head=0.001),
    # target pseudo-label cross-entropy: BDL's defaults (weight 1, averaged
    # over all pixels, as BDL.py)
    gan_loss=dict(type='GANLoss', gan_type='vanilla'))
