# CycleGAN SYNTHIA-RAND-CITYSCAPES <-> Cityscapes (BDL's SYNTHIA translator):
# the settings of cyclegan_gta2cs.py; 20 epochs of SYNTHIA's 9,400 images at
# batch 4 = 47,000 iterations, linear lr decay over the last 10 epochs.
_base_ = ['./cyclegan_gta2cs.py']
source_train_dataset = dict(
    _delete_=True,
    type='SynthiaDataset',
    data_root='data/synthia',
    pipeline={{_base_.source_pipeline}})
train_dataloader = dict(dataset=dict(source=source_train_dataset))
linear_decay = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.0,
        begin=23500,
        end=47000,
        by_epoch=False)
]
param_scheduler = dict(generators=linear_decay, discriminators=linear_decay)
train_cfg = dict(max_iters=47000)
default_hooks = dict(checkpoint=dict(interval=2350))
