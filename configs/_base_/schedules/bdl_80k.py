# BDL's optimisation of the segmentation adaptation model M (paper Sec. 4:
# SGD 2.5e-4, poly power 0.9; D Adam 1e-4, betas (0.9, 0.99)) with the
# official code's unstated rest: momentum 0.9, weight decay 5e-4, classifier
# 10x, both poly schedules over 250k iterations, batch 1 + 1, stop at 80k
# (Eq. 1; the SSL rounds of Eq. 3 stop at 120k).
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=2.5e-4, momentum=0.9, weight_decay=5e-4),
        paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.)})),
    discriminator=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99))))
poly_decay = [
    dict(
        type='PolyLR',
        power=0.9,
        eta_min=0.,
        begin=0,
        end=250000,
        by_epoch=False)
]
param_scheduler = dict(segmentor=poly_decay, discriminator=poly_decay)
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=80000, val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
