# BDL's translator on the toy benchmark: cyclegan_toy-gta2cs.py plus the
# perceptual loss through the frozen toy segmentation model (lambda_per 0.1,
# lambda_per_recon 10, L1, both domains). Unlike the R101 configs (Eq. 2: no
# identity term) the toy keeps the identity loss of CycleGAN and of BDL's
# official code (0.5): without it the tiny toy generators lost most of the
# source semantics (configs/bdl/README.md, toy section). Round 1 uses the
# toy source-only model below; the pipeline config
# (configs/bdl/bdl_r18_toy-gta2cs_pipeline.py) passes each round's M.
_base_ = ['./cyclegan_toy-gta2cs.py']
model = dict(
    segmentor={{_base_.segmentor}},
    segmentor_checkpoint='work_dirs/deeplabv2_r18_toy-gta2cs/iter_1000.pth',
    perceptual_loss=dict(
        type='SegPerceptualLoss',
        translation_weight=0.1,
        reconstruction_weight=10.0,
        criterion='l1',
        instance_norm=False))
