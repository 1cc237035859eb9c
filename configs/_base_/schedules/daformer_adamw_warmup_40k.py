# DAFormer's optimisation (Hoyer et al., CVPR 2022, Sec. 4.1 and the official
# configs _base_/schedules/{adamw,poly10warm}.py): AdamW lr 6e-5, betas (0.9,
# 0.999), weight decay 0.01; decode head lr x10, no weight decay on norms and
# position blocks; linear warm-up from 1e-6 of the lr over 1,500 iterations,
# then poly with power 1.0 down to 0 at 40k iterations. MMEngine runs the
# poly decay over iterations 1,500-40,000 (as mmseg's SegFormer configs);
# mmcv's warm-up of the official code scales a poly curve that runs over
# 0-40,000; the two curves differ by at most 4% of the base lr.
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(
            type='AdamW', lr=6e-5, betas=(0.9, 0.999), weight_decay=0.01),
        paramwise_cfg=dict(
            custom_keys={
                'head': dict(lr_mult=10.),
                'pos_block': dict(decay_mult=0.),
                'norm': dict(decay_mult=0.)
            })))
warmup_poly = [
    dict(
        type='LinearLR',
        start_factor=1e-6,
        by_epoch=False,
        begin=0,
        end=1500),
    dict(
        type='PolyLR',
        power=1.0,
        eta_min=0.,
        by_epoch=False,
        begin=1500,
        end=40000)
]
param_scheduler = dict(segmentor=warmup_poly)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=40000, val_interval=4000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# every UDA child gets its own DDP wrapper
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
