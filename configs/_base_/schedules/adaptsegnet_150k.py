# AdaptSegNet (paper Sec. 5): segmentor SGD lr 2.5e-4 with Nesterov,
# momentum 0.9, weight decay 1e-4; discriminators Adam lr 1e-4, betas
# (0.9, 0.99); both poly (power 0.9). The paper is silent on the schedule
# length and the head learning rate: as in the official repo the poly decay
# runs over 250k iterations, training stops at 150k, and the classifier
# heads learn 10x faster.
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(
            type='SGD',
            lr=2.5e-4,
            momentum=0.9,
            nesterov=True,
            weight_decay=1e-4),
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
    type='IterBasedTrainLoop', max_iters=150000, val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# Every UDA child (segmentor, discriminator) gets its own DDP wrapper.
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
