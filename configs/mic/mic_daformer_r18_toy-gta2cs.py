# MIC on DAFormer's toy config (daformer_r18_toy-gta2cs.py): masked image
# consistency with 8x8 blocks on the 128x64 toy inputs (the paper's 32x32
# blocks on 512x512 crops: 16 blocks across), mask ratio 0.7, lambda_M 1.
_base_ = ['../daformer/daformer_r18_toy-gta2cs.py']
model = dict(
    masked_consistency=dict(
        type='MaskedImageConsistency',
        block_size=8,
        mask_ratio=0.7,
        loss_weight=1.0,
        color_jitter=dict(strength=0.2, prob=0.8),
        blur=dict(prob=0.5, sigma_range=(0.15, 1.15))))
