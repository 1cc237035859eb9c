# The toy DeepLabV2 with a conv4 classifier (lambda_seg = 0.1).
_base_ = ['./deeplabv2_r18-toy.py']
model = dict(
    auxiliary_head=dict(
        type='DeepLabV2Head',
        in_channels=64,
        in_index=2,
        dilations=(1, 2, 3, 4),
        num_classes=19,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=0.1)))
