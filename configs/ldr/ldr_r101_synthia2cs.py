# LDR on SYNTHIA -> Cityscapes, DeepLab-ResNet101 (paper Table 2, Eq. 6):
# ldr_r101_synthia2cs-round0.py plus the cross-entropy on the pseudo labels
# of the translated Cityscapes train set (see ldr_r101_gta2cs.py), 120k
# iterations; 13-class mIoU (mIoU13) as the paper, 16 classes too.
_base_ = ['./ldr_r101_synthia2cs-round0.py']
pseudo_label_dir = 'pseudo_labels/ldr-mpt'
train_dataloader = dict(
    dataset=dict(
        target=dict(
            data_prefix=dict(
                img_path='leftImg8bit/train', seg_map_path=pseudo_label_dir),
            seg_map_suffix='_pseudo.png',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations'),  # train ids, 255 = ignored
                dict(
                    type='Resize',
                    scale={{_base_.target_scale}},
                    keep_ratio=False),
                dict(type='PackSegInputs')
            ])))
linear_decay = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.0,
        begin=0,
        end=120000,
        by_epoch=False)
]
param_scheduler = dict(
    reconstructor=linear_decay, recon_discriminator=linear_decay)
train_cfg = dict(max_iters=120000)
