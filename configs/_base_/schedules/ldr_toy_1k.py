# LDR's optimisers on the toy benchmark, CPU-sized: the toy G trains from
# scratch, so SGD 0.01 (toy_1k.py) instead of 2.5e-4, poly 0.9; the
# output-space D Adam 1e-4, (0.9, 0.99), poly; M and D_1..3 Adam 2e-4,
# (0.5, 0.999), linear decay to 0 (as configs/_base_/schedules/ldr_120k.py);
# 1k iterations.
adam_gan = dict(
    type='OptimWrapper',
    optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999)))
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4)),
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
        end=1000,
        by_epoch=False)
]
linear_decay = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.0,
        begin=0,
        end=1000,
        by_epoch=False)
]
param_scheduler = dict(
    segmentor=poly_decay,
    discriminator=poly_decay,
    reconstructor=linear_decay,
    recon_discriminator=linear_decay)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1000, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
