# LDR's optimisers for the joint training of Eq. 6 (paper Sec. 4.3), for
# DeepLab-ResNet101: G SGD 2.5e-4, momentum 0.9, weight decay 5e-4, poly
# 0.9 (the classifier at 10x and the poly horizon of 250k are BDL's code);
# the output-space D (the paper is silent) Adam 1e-4, betas (0.9, 0.99),
# poly, as BDL and AdaptSegNet; M and D_1..3 (silent in S5) Adam 2e-4,
# betas (0.5, 0.999), linear decay to 0 over the stage, as in their
# pre-training. 120k iterations (BDL's length of a round with pseudo
# labels; the paper gives none), batch 1 + 1.
adam_gan = dict(
    type='OptimWrapper',
    optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999)))
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=2.5e-4, momentum=0.9, weight_decay=5e-4),
        paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.)})),
    discriminator=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99))),
    reconstructor=adam_gan,
    recon_discriminator=adam_gan)
poly_decay = [
    dict(
        type='PolyLR',
        power=0.9,
        eta_min=0.,
        begin=0,
        end=250000,
        by_epoch=False)
]
linear_decay = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.0,
        begin=0,
        end=120000,
        by_epoch=False)
]
param_scheduler = dict(
    segmentor=poly_decay,
    discriminator=poly_decay,
    reconstructor=linear_decay,
    recon_discriminator=linear_decay)
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=120000, val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
