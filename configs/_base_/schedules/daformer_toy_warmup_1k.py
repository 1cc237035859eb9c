# DAFormer's learning-rate strategy on the toy benchmark's 1k iterations:
# linear warm-up from 1e-6 of the lr over 40 iterations (the paper's 1,500 of
# 40k, i.e. 3.75% of the run), then poly with power 1.0 to 0. The toy
# segmentor trains from scratch, so it keeps the toy optimizer (SGD 0.01,
# as every toy config) instead of the paper's AdamW 6e-5 for ImageNet MiT
# weights.
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4)))
warmup_poly = [
    dict(
        type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=40),
    dict(
        type='PolyLR',
        power=1.0,
        eta_min=0.,
        by_epoch=False,
        begin=40,
        end=1000)
]
param_scheduler = dict(segmentor=warmup_poly)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1000, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
