# LDR's M, D_1..3 and Eq. 4-5 losses on the built-in toy benchmark,
# CPU-sized (ldr_reconstruction.py at smaller widths): M at 1/4 width (base
# 16) with 3 residual blocks and 2 stride-2 stages instead of 3 (the toy
# images are 8x smaller than the paper's: with 3, M's 8x16 bottleneck draws
# worse, 44.3 vs 39.7 L1 after the toy pre-training, seed 0; see
# configs/ldr/README.md), D_1..3 with 8 base channels, and a VGG19 at 1/4
# width (base 16) up to relu3_1 with fixed random weights (no ImageNet
# weights offline; a full VGG19 would cost more than the rest of the step).
reconstructor = dict(
    type='ResNetGenerator',
    in_channels=19,
    base_channels=16,
    num_blocks=3,
    num_downsamples=2,
    outer_convs=False)
recon_discriminator = dict(
    type='MultiScalePatchDiscriminator',
    num_scales=3,
    discriminator=dict(
        type='PatchDiscriminator',
        in_channels=22,
        base_channels=8,
        num_layers=3,
        padding=2))
recon_gan_loss = dict(type='GANLoss', gan_type='lsgan')
feature_matching_loss = dict(
    type='FeatureMatchingLoss', pix2pixhd_weights=True)
perceptual_loss = dict(
    type='VGGPerceptualLoss',
    pretrained=None,
    base_channels=16,
    layer_weights=(1 / 32, 1 / 16, 1 / 8))
