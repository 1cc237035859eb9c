# The pre-training of LDR's M and D_1..3 (paper Sec. 4.3): Adam 2e-4, betas
# (0.5, 0.999), the lr decreased linearly to 0; batch 1 (every model of the
# paper). The length is not given: 100k iterations (4 epochs of GTA5).
adam = dict(
    type='OptimWrapper',
    optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999)))
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    reconstructor=adam,
    recon_discriminator=adam)
linear_decay = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.0,
        begin=0,
        end=100000,
        by_epoch=False)
]
param_scheduler = dict(
    reconstructor=linear_decay, recon_discriminator=linear_decay)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=100000)
val_cfg = None
test_cfg = None
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
