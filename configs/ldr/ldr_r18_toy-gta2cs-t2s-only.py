# Table 3's "T->S" row on the toy benchmark: ldr_r18_toy-gta2cs.py with
# alpha = beta = 0 (no reconstruction: BDL's Eq. 1 + pseudo labels on the
# translated target; M, D_1..3 and the VGG are never run).
_base_ = ['./ldr_r18_toy-gta2cs-round0.py']
# the pseudo labels and the fine-tuning schedule of ldr_r18_toy-gta2cs.py;
# pseudo_label_dir is relative to the target data_root, or absolute
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
model = dict(alpha=0., beta=0., reconstructor_checkpoint=None)
