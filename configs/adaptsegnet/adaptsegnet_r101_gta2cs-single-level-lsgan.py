# LS-GAN instead of the BCE GAN loss; the official repo's README uses
# lambda_adv = 0.01 with LS-GAN for the single-level model.
_base_ = ['./adaptsegnet_r101_gta2cs-single-level.py']
model = dict(
    gan_loss=dict(gan_type='lsgan'), adv_weights=dict(decode_head=0.01))
