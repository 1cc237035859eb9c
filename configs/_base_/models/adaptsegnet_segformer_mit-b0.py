# mmseg's own SegFormer-B0 base config, unmodified, inside AdaptSegNet with
# one output-space discriminator (lambda_adv 0.001).
_base_ = ['mmseg::_base_/models/segformer_mit-b0.py']
model = dict(
    _delete_=True,
    type='AdaptSegNet',
    segmentor={{_base_.model}},
    discriminator=dict(
        type='MultiLevelDiscriminator',
        discriminators=dict(
            decode_head=dict(type='FCDiscriminator', in_channels=19))),
    adv_weights=dict(decode_head=0.001),
    gan_loss=dict(type='GANLoss', gan_type='vanilla'))
