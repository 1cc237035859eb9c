# FADA's adversarial stage (paper Sec. 4.3): segmentation network SGD lr
# 2.5e-4, momentum 0.9, weight decay 1e-4; fine-grained discriminator Adam lr
# 1e-4, betas (0.9, 0.99); both poly 0.9; 40k iterations. Where the paper is
# silent the official repo is followed: the poly decay runs over 62,500
# iterations and training stops at 40k, the classifier head learns 10x
# faster (the repo's weight decay is 5e-4).
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=2.5e-4, momentum=0.9, weight_decay=1e-4),
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
        end=62500,
        by_epoch=False)
]
param_scheduler = dict(segmentor=poly_decay, discriminator=poly_decay)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=40000, val_interval=5000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# Every UDA child (segmentor, discriminator) gets its own DDP wrapper.
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
