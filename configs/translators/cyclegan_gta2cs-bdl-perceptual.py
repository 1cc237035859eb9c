# BDL's translator F^(k) (paper Eq. 2): CycleGAN plus the perceptual loss
# (paper Sec. 3.3) through the frozen segmentation model M: its outputs on
# every image vs those on its translation (lambda_per 0.1) and on its
# reconstruction (lambda_per_recon 10), for both domains. The paper's
# distance is L1; the official code's (MSE of instance-normalised outputs)
# is --cfg-options model.perceptual_loss.criterion=mse
# model.perceptual_loss.instance_norm=True. Eq. 2 has no identity term
# (identity_weight 0; the official code keeps CycleGAN's 0.5).
# M: round 1 uses M^(0), the source-only model below (our reading of Sec.
# 4.1-4.2; the official loop starts with a plain CycleGAN,
# cyclegan_gta2cs.py); round k > 1 uses M_N^(k-1). The pipeline config
# (configs/bdl/bdl_r101_gta2cs_pipeline.py) passes the right checkpoint.
_base_ = ['./cyclegan_gta2cs.py']
model = dict(
    identity_weight=0.0,
    segmentor={{_base_.segmentor}},
    segmentor_checkpoint='work_dirs/deeplabv2_r101_gta2cs/iter_150000.pth',
    perceptual_loss=dict(
        type='SegPerceptualLoss',
        translation_weight=0.1,
        reconstruction_weight=10.0,
        criterion='l1',
        instance_norm=False))
