# BDL's segmentation adaptation model M (paper Sec. 3.3, 5): DeepLabV2-R101
# with one output-space discriminator on the softmax of its classifier (5
# convs 4x4 / 2, {64, 128, 256, 512, 1}, LeakyReLU 0.2), lambda_adv 0.001,
# BCE; target pseudo-label cross-entropy weight 1 averaged over all pixels
# (Eq. 9). The discriminator's map is not upsampled (the paper is silent;
# the official code computes BCE on the native map).
_base_ = ['./deeplabv2_r101.py']
model = dict(
    _delete_=True,
    type='BDL',
    segmentor={{_base_.model}},
    discriminator=dict(
        type='MultiLevelDiscriminator',
        discriminators=dict(
            decode_head=dict(
                type='FCDiscriminator', in_channels=19,
                upsample_output=False))),
    adv_weights=dict(decode_head=0.001),
    gan_loss=dict(type='GANLoss', gan_type='vanilla'),
    target_loss_weight=1.0,
    average_over_kept=False)
