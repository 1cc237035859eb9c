# MIC on DAFormer, SYNTHIA -> Cityscapes: the MIC settings of
# mic_daformer_mitb5_gta2cs.py on daformer_mitb5_synthia2cs.py.
_base_ = ['../daformer/daformer_mitb5_synthia2cs.py']
model = dict(
    masked_consistency=dict(
        type='MaskedImageConsistency',
        block_size=32,
        mask_ratio=0.7,
        loss_weight=1.0,
        color_jitter=dict(strength=0.2, prob=0.8),
        blur=dict(prob=0.5, sigma_range=(0.15, 1.15))))
