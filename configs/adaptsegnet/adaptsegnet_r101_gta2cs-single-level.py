# Single level: only the conv5 classifier and its discriminator
# (lambda_adv = 0.001).
_base_ = ['./adaptsegnet_r101_gta2cs-multi-level.py']
model = dict(
    segmentor=dict(auxiliary_head=None),
    discriminator=dict(
        discriminators=dict(
            _delete_=True,
            decode_head=dict(type='FCDiscriminator', in_channels=19))),
    adv_weights=dict(_delete_=True, decode_head=0.001))
