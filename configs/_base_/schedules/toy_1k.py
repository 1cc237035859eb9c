# A short schedule for the toy benchmark on CPU. The toy models train from
# scratch, so they use a larger learning rate than the papers' fine-tuning
# of ImageNet weights (SGD 0.01, poly 0.9).
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(
        type='PolyLR',
        power=0.9,
        eta_min=0.,
        begin=0,
        end=1000,
        by_epoch=False)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1000, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
