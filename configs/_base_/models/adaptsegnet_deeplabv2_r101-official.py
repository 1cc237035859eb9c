# AdaptSegNet exactly as its official code builds and trains it
# (github.com/wasidennis/AdaptSegNet: model/deeplab_multi.py,
# model/discriminator.py, train_gta2cityscapes_multi.py), which its released
# models come from:
# - caffe-style DeepLabV2 ResNet-101 (stride in the first 1x1 conv of a
#   stage, stem max-pool with ceil_mode), started from the DeepLab initial
#   model (ImageNet + MS-COCO; convert it with
#   tools/model_converters/deeplab_init2mmseg.py);
# - BGR images minus the caffe mean, no std;
# - BatchNorm affine frozen but batch statistics in training (the code calls
#   model.train()): norm_eval=False with requires_grad=False;
# - both classifiers sum only their dilation-6 and -12 branches (the
#   official Classifier_Module returns inside its loop);
# - logits resized with align_corners=True;
# - discriminators scored on their native 1/32 map (no upsampling).
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
    type='AdaptSegNet',
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
            summed_branches=(0, 1),
            num_classes=19,
            align_corners=True,
            loss_decode=dict(
                type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
        auxiliary_head=dict(
            type='DeepLabV2Head',
            in_channels=1024,
            in_index=2,
            dilations=(6, 12, 18, 24),
            summed_branches=(0, 1),
            num_classes=19,
            align_corners=True,
            loss_decode=dict(
                type='CrossEntropyLoss', use_sigmoid=False, loss_weight=0.1)),
        train_cfg=dict(),
        test_cfg=dict(mode='whole')),
    discriminator=dict(
        type='MultiLevelDiscriminator',
        discriminators=dict(
            decode_head=dict(
                type='FCDiscriminator', in_channels=19, upsample_output=False),
            auxiliary_head=dict(
                type='FCDiscriminator', in_channels=19,
                upsample_output=False))),
    adv_weights=dict(decode_head=0.001, auxiliary_head=0.0002),
    gan_loss=dict(type='GANLoss', gan_type='vanilla'),
    source_label=1.0,
    target_label=0.0)
