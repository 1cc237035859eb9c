# LDR on the built-in toy benchmark, the full Eq. 6:
# ldr_r18_toy-gta2cs-round0.py plus the cross-entropy on pseudo labels of
# the translated toy target train set (pseudo_label_dir; the pipeline
# config passes the labeller's folder). G fine-tunes the labeller (the toy
# models have no ImageNet start to restart from, as BDL's toy rounds):
# 500 iterations, SGD 0.005 (half the from-scratch rate), poly; M and
# D_1..3 restart from their pre-training, lr linearly to 0.
_base_ = ['./ldr_r18_toy-gta2cs-round0.py']
# relative to the target data_root, or absolute
pseudo_label_dir = 'pseudo_labels/ldr'
train_dataloader = dict(
    dataset=dict(
        target=dict(
            data_prefix=dict(
                img_path='leftImg8bit/train', seg_map_path=pseudo_label_dir),
            seg_map_suffix='_pseudo.png',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations'),  # train ids, 255 = ignored
                dict(type='Resize', scale={{_base_.scale}}, keep_ratio=False),
                dict(type='RandomFlip', prob=0.5),
                dict(type='PackSegInputs')
            ])))
optim_wrapper = dict(segmentor=dict(optimizer=dict(lr=0.005)))
poly_decay = [
    dict(
        type='PolyLR',
        power=0.9,
        eta_min=0.,
        begin=0,
        end=500,
        by_epoch=False)
]
linear_decay = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.0,
        begin=0,
        end=500,
        by_epoch=False)
]
param_scheduler = dict(
    segmentor=poly_decay,
    discriminator=poly_decay,
    reconstructor=linear_decay,
    recon_discriminator=linear_decay)
train_cfg = dict(max_iters=500, val_interval=500)
default_hooks = dict(checkpoint=dict(interval=500))
