# AdaptSegNet (multi-level) on the built-in toy benchmark, CPU-sized: the
# toy segmentor and discriminators at a quarter of the paper's widths.
_base_ = [
    '../_base_/models/deeplabv2_r18-toy-multi-level.py',
    '../_base_/datasets/toy_gta2cs.py',
    '../_base_/schedules/adaptsegnet_toy_1k.py', '../_base_/default_runtime.py'
]
model = dict(
    _delete_=True,
    type='AdaptSegNet',
    segmentor={{_base_.model}},
    discriminator=dict(
        type='MultiLevelDiscriminator',
        discriminators=dict(
            decode_head=dict(
                type='FCDiscriminator',
                in_channels=19,
                channels=(16, 32, 64, 128)),
            auxiliary_head=dict(
                type='FCDiscriminator',
                in_channels=19,
                channels=(16, 32, 64, 128)))),
    adv_weights=dict(decode_head=0.001, auxiliary_head=0.0002),
    gan_loss=dict(type='GANLoss', gan_type='vanilla'))
