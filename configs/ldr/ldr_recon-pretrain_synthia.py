# LDR stage 3 for SYNTHIA -> Cityscapes: ldr_recon-pretrain_gta5.py on the
# SYNTHIA-RAND-CITYSCAPES labels -> images at 1280x760, 50k iterations
# (about 5 epochs; the paper gives no length).
_base_ = ['./ldr_recon-pretrain_gta5.py']
source_pipeline = [
    dict(type='LoadImageFromFile'),
    # 16-bit labels, class id in the first channel (BGR order: channel 2)
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
    dict(type='Resize', scale=(1280, 760), keep_ratio=False),
    dict(type='PackSegInputs')
]
source_train_dataset = dict(
    _delete_=True,
    type='SynthiaDataset',
    data_root='data/synthia',
    pipeline=source_pipeline)
train_dataloader = dict(dataset=source_train_dataset)
linear_decay = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.0,
        begin=0,
        end=50000,
        by_epoch=False)
]
param_scheduler = dict(
    reconstructor=linear_decay, recon_discriminator=linear_decay)
train_cfg = dict(max_iters=50000)
