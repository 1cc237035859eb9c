# CycleGAN's optimisation as BDL trains its translator on GTA5 (paper Sec. 4:
# 20 epochs, lr 2e-4 for the first 10, then linear decay to 0): Adam 2e-4,
# betas (0.5, 0.999) for the generators and for the discriminators. One
# epoch of GTA5 (24,966 images) at batch 4 is 6,242 iterations; the lr stays
# constant until the LinearLR decay begins at iteration 62,420.
adam = dict(
    type='OptimWrapper',
    optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999)))
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    generators=adam,
    discriminators=adam)
linear_decay = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.0,
        begin=62420,
        end=124840,
        by_epoch=False)
]
param_scheduler = dict(generators=linear_decay, discriminators=linear_decay)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=124840)
val_cfg = None
test_cfg = None
# The generators and the discriminators get one DDP wrapper each.
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
