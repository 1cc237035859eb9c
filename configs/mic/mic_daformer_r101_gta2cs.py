# MIC on DeepLabV2-R101 with DAFormer's strategy, GTA5 -> Cityscapes (MIC
# Table 1; official experiments.py id 81, dlv2red): the settings of
# ../daformer/daformer_r101_gta2cs.py plus masked image consistency with
# 32x32 blocks on the 512x512 crops (half the HRDA block at half the
# resolution), mask ratio 0.7, lambda_M 1.
_base_ = ['../daformer/daformer_r101_gta2cs.py']
model = dict(
    masked_consistency=dict(
        type='MaskedImageConsistency',
        block_size=32,
        mask_ratio=0.7,
        loss_weight=1.0,
        color_jitter=dict(strength=0.2, prob=0.8),
        blur=dict(prob=0.5, sigma_range=(0.15, 1.15))))
