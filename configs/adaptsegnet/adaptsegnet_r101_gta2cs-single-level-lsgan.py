# LS-GAN instead of the BCE GAN loss; the official repo's README uses
# lambda_adv = 0.01 with LS-GAN for the single-level model (otherwise as
# adaptsegnet_r101_gta2cs-single-level.py: only the conv5 classifier and
# its discriminator).
_base_ = ['./adaptsegnet_r101_gta2cs-multi-level.py']
model = dict(
    segmentor=dict(auxiliary_head=None),
    discriminator=dict(
        discriminators=dict(
            _delete_=True,
            decode_head=dict(type='FCDiscriminator', in_channels=19))),
    adv_weights=dict(_delete_=True, decode_head=0.01),
    gan_loss=dict(gan_type='lsgan'))
