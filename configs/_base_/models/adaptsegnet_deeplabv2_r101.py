# AdaptSegNet around the paper's multi-level DeepLabV2-R101 (paper Eq. 5):
# output-space discriminators on the softmax of the conv5 classifier
# (lambda_adv = 0.001) and of the conv4 classifier (lambda_adv = 0.0002),
# vanilla (BCE) GAN loss.
_base_ = ['./deeplabv2_r101-multi-level.py']
model = dict(
    _delete_=True,
    type='AdaptSegNet',
    segmentor={{_base_.model}},
    discriminator=dict(
        type='MultiLevelDiscriminator',
        discriminators=dict(
            decode_head=dict(type='FCDiscriminator', in_channels=19),
            auxiliary_head=dict(type='FCDiscriminator', in_channels=19))),
    adv_weights=dict(decode_head=0.001, auxiliary_head=0.0002),
    gan_loss=dict(type='GANLoss', gan_type='vanilla'),
    source_label=1.0,
    target_label=0.0)
