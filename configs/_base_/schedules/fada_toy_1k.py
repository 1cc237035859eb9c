# FADA's adversarial stage on the toy benchmark: the toy segmentor is
# fine-tuned from its source-only warm-up (trained with SGD 0.01, toy_1k.py)
# with SGD 0.005, momentum 0.9, weight decay 5e-4, for 1k iterations; the
# discriminator keeps the paper's Adam 1e-4, betas (0.9, 0.99); poly 0.9.
# That is AdaptSegNet's toy schedule with half its segmentor learning rate.
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=0.005, momentum=0.9, weight_decay=5e-4)),
    discriminator=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99))))
poly_decay = [
    dict(
        type='PolyLR',
        power=0.9,
        eta_min=0.,
        begin=0,
        end=1000,
        by_epoch=False)
]
param_scheduler = dict(segmentor=poly_decay, discriminator=poly_decay)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1000, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
