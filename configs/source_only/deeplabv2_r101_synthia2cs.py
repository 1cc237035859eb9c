# Source-only baseline on SYNTHIA-RAND-CITYSCAPES -> Cityscapes: the GTA5
# baseline (deeplabv2_r101_gta2cs.py, AdaptSegNet's optimizer) trained on
# SYNTHIA resized to 1280x760, on the 19 Cityscapes classes (terrain, truck
# and train never occur); UDAIoUMetric reports mIoU16 and mIoU13. It is the
# M^(0) of BDL on SYNTHIA and the frozen model of CIRN's SYNTHIA stage 1
# (configs/translators/cyclegan_synthia2cs-cirn-semantic.py).
_base_ = [
    '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/synthia2cs.py',
    '../_base_/default_runtime.py'
]
train_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset={{_base_.source_train_dataset}})
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='SGD', lr=2.5e-4, momentum=0.9, nesterov=True, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.)}))
param_scheduler = [
    dict(
        type='PolyLR',
        power=0.9,
        eta_min=0.,
        begin=0,
        end=250000,
        by_epoch=False)
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=150000, val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
