# DeepLabV2-R101 with a second ASPP classifier on conv4 (AdaptSegNet's
# multi-level model); its segmentation loss is weighted lambda_seg = 0.1.
_base_ = ['./deeplabv2_r101.py']
model = dict(
    auxiliary_head=dict(
        type='DeepLabV2Head',
        in_channels=1024,
        in_index=2,
        dilations=(6, 12, 18, 24),
        num_classes=19,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=0.1)))
