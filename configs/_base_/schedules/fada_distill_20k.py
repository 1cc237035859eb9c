# FADA's self-distillation: a fresh student trained on the adapted model's
# target pseudo labels. The paper gives no details; the official repo's
# setting is used: SGD lr 5e-4 (head 10x), momentum 0.9, poly 0.9 over 31,250
# iterations, stop at 20k. Weight decay 1e-4 as in the paper's other stages
# (the repo: 5e-4). That is fada_warmup_20k.py with twice its learning
# rate.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=5e-4, momentum=0.9, weight_decay=1e-4),
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
