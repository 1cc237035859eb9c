# Cityscapes -> Cross-City (Taipei), multi-level, 13 classes; the settings of
# adaptsegnet_r101_cs2crosscity-rome.py (both levels lambda_adv = 0.0005,
# paper Sec. 6.2).
_base_ = [
    '../_base_/models/adaptsegnet_deeplabv2_r101.py',
    '../_base_/datasets/cs2crosscity_taipei.py',
    '../_base_/schedules/adaptsegnet_150k.py', '../_base_/default_runtime.py'
]
model = dict(
    segmentor=dict(
        decode_head=dict(num_classes=13), auxiliary_head=dict(num_classes=13)),
    discriminator=dict(
        discriminators=dict(
            decode_head=dict(in_channels=13),
            auxiliary_head=dict(in_channels=13))),
    adv_weights=dict(decode_head=0.0005, auxiliary_head=0.0005))
