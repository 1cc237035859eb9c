# LDR on the built-in toy benchmark, CPU-sized: the toy DeepLabV2-R18
# (deeplabv2_r18-toy.py), the output-space D at a quarter of the paper's
# widths, M, D_1..3 and the Eq. 4-5 losses of ldr_reconstruction_toy.py;
# LDR's defaults are the paper's weights (alpha 1e-3, beta 10, tau 1e-3,
# lambda 1e-3, see ldr_deeplabv2_r101.py), except that the gradient the
# reconstruction sends to G through Omega is scaled by 0.01: at 1 (Eq. 6)
# it is about 70x the segmentation losses' and wrecks the toy G within a
# few iterations (2.3 mIoU, seed 0; see configs/ldr/README.md).
_base_ = ['./deeplabv2_r18-toy.py', './ldr_reconstruction_toy.py']
model = dict(
    _delete_=True,
    type='LDR',
    segmentor={{_base_.model}},
    discriminator=dict(
        type='MultiLevelDiscriminator',
        discriminators=dict(
            decode_head=dict(
                type='FCDiscriminator',
                in_channels=19,
                channels=(16, 32, 64, 128),
                upsample_output=False))),
    reconstructor={{_base_.reconstructor}},
    recon_discriminator={{_base_.recon_discriminator}},
    recon_gan_loss={{_base_.recon_gan_loss}},
    feature_matching_loss={{_base_.feature_matching_loss}},
    perceptual_loss={{_base_.perceptual_loss}},
    segmentor_rec_scale=0.01)
