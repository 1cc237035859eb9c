# CIRN stage 2 (paper, Implementation Details): segmentation network SGD lr
# 2.5e-4, momentum 0.9, weight decay 5e-4; discriminator Adam lr 1e-4, betas
# (0.9, 0.99); poly decay; 100,000 iterations. Where the paper is silent,
# CLAN's official code: poly power 0.9 over the 100k iterations (training
# stops at the end), no Nesterov, the classifiers (C and the ACM) at 10x the
# lr, and no weight decay on Adam (the paper's "we set optimizers a weight
# decay of 5e-4" may include it:
# --cfg-options optim_wrapper.discriminator.optimizer.weight_decay=5e-4).
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
        end=100000,
        by_epoch=False)
]
param_scheduler = dict(segmentor=poly_decay, discriminator=poly_decay)
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=100000, val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# Every UDA child (segmentor, discriminator) gets its own DDP wrapper.
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
