# MIC on HRDA, GTA5 -> Cityscapes, MiT-B5 + DAFormer head (Hoyer et al.,
# CVPR 2023; official configs/mic/gtaHR2csHR_mic_hrda.py): the settings of
# ../hrda/hrda_daformer_mitb5_gta2cs.py plus masked image consistency: the
# colour-jittered, blurred target crops with random 64x64 blocks masked
# (ratio 0.7) learn the teacher's pseudo labels of the whole crops,
# weighted by their quality, lambda_M 1.
_base_ = ['../hrda/hrda_daformer_mitb5_gta2cs.py']
model = dict(
    masked_consistency=dict(
        type='MaskedImageConsistency',
        block_size=64,
        mask_ratio=0.7,
        loss_weight=1.0,
        color_jitter=dict(strength=0.2, prob=0.8),
        blur=dict(prob=0.5, sigma_range=(0.15, 1.15))))
