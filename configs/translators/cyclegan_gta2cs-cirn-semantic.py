# CIRN stage 1 (paper Eq. 1-5): CycleGAN GTA5 -> Cityscapes with the
# semantic-consistency loss of a frozen source-only model (Eq. 4, weight 1
# in Eq. 5): the translated source image must still be segmented as its
# source label. Where this follows the paper and where it does not:
# - GAN form: Eq. 1-2 are the log (vanilla, BCE) GAN loss, used here; the
#   CycleGAN code the paper adopts uses LS-GAN instead
#   (--cfg-options model.gan_loss.gan_type=lsgan).
# - Eq. 5 has no identity term, so identity_weight is 0.
# - Deviation: Eq. 5 adds the cycle term with weight 1; we keep CycleGAN's
#   cycle weight 10 (the paper says it employs CycleGAN;
#   --cfg-options model.cycle_weight=1.0 for Eq. 5's literal form).
# - Eq. 4 sums over pixels; SemanticConsistencyLoss averages over the
#   labelled pixels so that Eq. 5's weight 1 keeps its meaning next to the
#   averaged GAN and cycle terms. Each discriminator loss is halved as in
#   CycleGAN (not in Eq. 1-2; no effect on Adam's steps).
# - Batch 1 and Adam 2e-4, betas (0.5, 0.999) (paper). The paper resizes
#   GTA5 to 1280x720 and Cityscapes to 1024x512; the 452x452 crops are taken
#   from these sizes, the scale the source-only model was trained at, so
#   translate with `tools/translate.py ... --scale 1280 720`. The paper gives
#   no length, so the run sees as many images as BDL's translator (20 epochs
#   of GTA5 = 499,320 iterations at batch 1, lr decay over the last 10).
# segmentor_checkpoint: the source-only model of
# configs/source_only/deeplabv2_r101_gta2cs.py.
_base_ = ['./cyclegan_gta2cs.py']
source_pipeline = [
    dict(type='LoadImageFromFile'),
    # a few GTA5 images differ in size from their labels: resize the label
    dict(
        type='LoadUDAAnnotations',
        label_mapping='cityscapes',
        size_mismatch='resize'),
    dict(type='Resize', scale={{_base_.source_scale}}, keep_ratio=False),
    dict(type='RandomCrop', crop_size={{_base_.crop_size}}),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale={{_base_.target_scale}}, keep_ratio=False),
    dict(type='RandomCrop', crop_size={{_base_.crop_size}}),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
source_train_dataset = dict(pipeline=source_pipeline)
target_train_dataset = dict(pipeline=target_pipeline)
train_dataloader = dict(
    batch_size=1,
    dataset=dict(
        source=dict(pipeline=source_pipeline),
        target=dict(pipeline=target_pipeline)))
model = dict(
    gan_loss=dict(type='GANLoss', gan_type='vanilla'),
    cycle_weight=10.0,
    identity_weight=0.0,
    segmentor={{_base_.segmentor}},
    segmentor_checkpoint='work_dirs/deeplabv2_r101_gta2cs/iter_150000.pth',
    semantic_loss=dict(type='SemanticConsistencyLoss', loss_weight=1.0))
linear_decay = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.0,
        begin=249660,
        end=499320,
        by_epoch=False)
]
param_scheduler = dict(generators=linear_decay, discriminators=linear_decay)
train_cfg = dict(max_iters=499320)
default_hooks = dict(checkpoint=dict(interval=24966))
