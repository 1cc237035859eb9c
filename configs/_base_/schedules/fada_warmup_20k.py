# FADA's source-only warm-up (paper Sec. 4.3: "first trained on source data
# for 20k iterations"). Segmentation network as in the paper: SGD, momentum
# 0.9, weight decay 1e-4, lr 2.5e-4, poly 0.9. Where the paper is silent the
# official repo is followed: the poly decay runs over 31,250 iterations and
# training stops at 20k, the classifier head learns 10x faster. (The repo's
# warm-up uses lr 5e-4 and weight decay 5e-4: --cfg-options
# optim_wrapper.optimizer.lr=5e-4 optim_wrapper.optimizer.weight_decay=5e-4)
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=2.5e-4, momentum=0.9, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.)}))
param_scheduler = [
    dict(
        type='PolyLR',
        power=0.9,
        eta_min=0.,
        begin=0,
        end=31250,
        by_epoch=False)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=20000, val_interval=5000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
