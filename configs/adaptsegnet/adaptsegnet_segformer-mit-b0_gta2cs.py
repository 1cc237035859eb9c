# A stock mmseg model inside AdaptSegNet: SegFormer-B0 adapted GTA5 ->
# Cityscapes. Not a paper setting: the optimizer is mmseg's SegFormer one
# (AdamW 6e-5, head lr x10), the discriminator AdaptSegNet's. ImageNet
# weights of MiT-B0 are read from checkpoints/mit_b0.pth (mmseg's converted
# MiT weights, see mmseg's SegFormer README).
_base_ = [
    '../_base_/models/adaptsegnet_segformer_mit-b0.py',
    '../_base_/datasets/gta2cs.py', '../_base_/schedules/adaptsegnet_150k.py',
    '../_base_/default_runtime.py'
]
model = dict(
    segmentor=dict(
        data_preprocessor=dict(size_divisor=32),
        backbone=dict(
            init_cfg=dict(
                type='LocalPretrained', checkpoint='checkpoints/mit_b0.pth'))))
optim_wrapper = dict(
    segmentor=dict(
        _delete_=True,
        type='OptimWrapper',
        optimizer=dict(
            type='AdamW', lr=6e-5, betas=(0.9, 0.999), weight_decay=0.01),
        paramwise_cfg=dict(
            custom_keys=dict(
                pos_block=dict(decay_mult=0.),
                norm=dict(decay_mult=0.),
                head=dict(lr_mult=10.)))))
