# BDL's translator F^(k) for SYNTHIA -> Cityscapes: cyclegan_synthia2cs.py
# plus the perceptual loss through the frozen M (see
# cyclegan_gta2cs-bdl-perceptual.py); round 1 uses the SYNTHIA source-only
# model of configs/source_only/deeplabv2_r101_synthia2cs.py. Translate with
# tools/translate.py ... --scale 1024 608.
_base_ = ['./cyclegan_synthia2cs.py']
model = dict(
    identity_weight=0.0,
    segmentor={{_base_.segmentor}},
    segmentor_checkpoint='work_dirs/deeplabv2_r101_synthia2cs/'
    'iter_150000.pth',
    perceptual_loss=dict(
        type='SegPerceptualLoss',
        translation_weight=0.1,
        reconstruction_weight=10.0,
        criterion='l1',
        instance_norm=False))
