# DACS' optimisation (Tranheden et al., WACV 2021, Sec. 4.1; official
# configUDA.json): SGD lr 2.5e-4 (classifier x10), momentum 0.9, weight
# decay 5e-4, poly 0.9 over 250k iterations; one optimizer (the teacher has
# no trainable parameters), every UDA child in its own DDP wrapper.
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=2.5e-4, momentum=0.9, weight_decay=5e-4),
        paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.)})))
param_scheduler = dict(segmentor=[
    dict(
        type='PolyLR',
        power=0.9,
        eta_min=0.,
        begin=0,
        end=250000,
        by_epoch=False)
])
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=250000, val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
