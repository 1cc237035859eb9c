# CycleGAN's optimisation on the toy benchmark, CPU-sized: Adam 2e-4, betas
# (0.5, 0.999) for the generators and for the discriminators, 2k iterations,
# the lr constant for the first half, then linear decay to 0.
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
        begin=1000,
        end=2000,
        by_epoch=False)
]
param_scheduler = dict(generators=linear_decay, discriminators=linear_decay)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=2000)
val_cfg = None
test_cfg = None
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
