# DACS (Tranheden et al., WACV 2021) on DeepLabV2-R101
# (deeplabv2_r101.py): EMA teacher alpha 0.99, pseudo-label threshold
# 0.968, ClassMix, colour jitter (strength 0.2, probability 0.8) and
# Gaussian blur of the mixed images.
_base_ = ['./deeplabv2_r101.py']
model = dict(
    _delete_=True,
    type='DACS',
    segmentor={{_base_.model}},
    teacher=dict(type='EMATeacher', alpha=0.99),
    pseudo_labeler=dict(type='QualityPseudoLabeler', threshold=0.968),
    color_jitter=dict(strength=0.2, prob=0.8),
    blur=dict(prob=0.5, sigma_range=(0.15, 1.15)))
