# BDL's translator with the perceptual loss (paper Eq. 3-4), trained in every
# round of the bidirectional loop after the first: the segmentation
# adaptation model M of the previous round, frozen, compares its outputs on
# every image with those on its translation (lambda_per 0.1) and on its
# reconstruction (lambda_per_recon 10), for both domains (Eq. 2). The
# paper's distance is L1; the official code's (MSE of instance-normalised
# outputs) is --cfg-options model.perceptual_loss.criterion=mse
# model.perceptual_loss.instance_norm=True.
# Point segmentor_checkpoint at M (any mmseg or UDA checkpoint of a
# DeepLabV2-R101), e.g. --cfg-options model.segmentor_checkpoint=PATH.
_base_ = ['./cyclegan_gta2cs.py']
model = dict(
    segmentor={{_base_.segmentor}},
    segmentor_checkpoint='work_dirs/bdl_r101_gta2cs/iter_120000.pth',
    perceptual_loss=dict(
        type='SegPerceptualLoss',
        translation_weight=0.1,
        reconstruction_weight=10.0,
        criterion='l1',
        instance_norm=False))
