# MIC on DAFormer, GTA5 -> Cityscapes (Hoyer et al., CVPR 2023, Table 1;
# official experiments.py id 81, daformer_sepaspp at 512x512): the
# settings of daformer_mitb5_gta2cs.py plus masked image consistency: the
# colour-jittered and blurred target images with random 32x32 blocks masked
# (ratio 0.7; 64x64 on HRDA's 1024x1024 crops) learn the teacher's pseudo
# labels of the whole images, weighted by their quality, lambda_M 1.
_base_ = ['../daformer/daformer_mitb5_gta2cs.py']
model = dict(
    masked_consistency=dict(
        type='MaskedImageConsistency',
        block_size=32,
        mask_ratio=0.7,
        loss_weight=1.0,
        color_jitter=dict(strength=0.2, prob=0.8),
        blur=dict(prob=0.5, sigma_range=(0.15, 1.15))))
