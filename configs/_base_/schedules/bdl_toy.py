# BDL's optimisers on the toy benchmark, CPU-sized: every toy M fine-tunes
# its predecessor (the toy segmentors have no ImageNet start), so each stage
# is short: 200 iterations, SGD 0.005 (half the toy from-scratch rate),
# momentum 0.9, weight decay 5e-4, poly 0.9; the discriminator keeps the
# paper's Adam 1e-4, (0.9, 0.99), poly.
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=0.005, momentum=0.9,
                       weight_decay=5e-4)),
    discriminator=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99))))
poly_decay = [
    dict(
        type='PolyLR',
        power=0.9,
        eta_min=0.,
        begin=0,
        end=200,
        by_epoch=False)
]
param_scheduler = dict(segmentor=poly_decay, discriminator=poly_decay)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=200, val_interval=200)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
