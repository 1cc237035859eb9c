# LDR (Yang et al., ECCV 2020) with DeepLab-ResNet101: G = DeepLabV2-R101;
# the output-space D of Sec. 4.2 (5 convs 4x4 / 2, {64, 128, 256, 512, 1},
# LeakyReLU 0.2) on the softmax of G, BCE (Eq. 2), lambda 1e-3, its map not
# upsampled (BDL's code); M, D_1..3 and the losses of Eq. 4-5 from
# ldr_reconstruction.py; alpha 1e-3, beta 10, tau 1e-3 (Sec. 4.3, Table 5);
# M's own GAN term weighted alpha too (Eq. 6 read literally); the
# pseudo-label CE averaged over the kept pixels.
_base_ = ['./deeplabv2_r101.py', './ldr_reconstruction.py']
model = dict(
    _delete_=True,
    type='LDR',
    segmentor={{_base_.model}},
    discriminator=dict(
        type='MultiLevelDiscriminator',
        discriminators=dict(
            decode_head=dict(
                type='FCDiscriminator', in_channels=19,
                upsample_output=False))),
    reconstructor={{_base_.reconstructor}},
    recon_discriminator={{_base_.recon_discriminator}},
    recon_gan_loss={{_base_.recon_gan_loss}},
    feature_matching_loss={{_base_.feature_matching_loss}},
    perceptual_loss={{_base_.perceptual_loss}},
    alpha=0.001,
    beta=10.0,
    tau=0.001,
    reconstructor_gan_weight=None,
    adv_weights=dict(decode_head=0.001),
    gan_loss=dict(type='GANLoss', gan_type='vanilla'),
    target_loss_weight=1.0,
    average_over_kept=True)
