# LDR on SYNTHIA -> Cityscapes without pseudo labels: as
# ldr_r101_gta2cs-round0.py with SYNTHIA-RAND-CITYSCAPES (1280x760,
# untranslated) as the source, Cityscapes translated to the SYNTHIA style by
# configs/translators/cyclegan_cs2synthia.py (data/cityscapes_synthiastyle)
# and M pre-trained by ldr_recon-pretrain_synthia.py. Trained on the 19
# Cityscapes classes; the metric reports the paper's 13-class mIoU (R101,
# mIoU13) and the 16-class one (mIoU16).
_base_ = [
    '../_base_/models/ldr_deeplabv2_r101.py',
    '../_base_/datasets/synthia2cs.py', '../_base_/schedules/ldr_120k.py',
    '../_base_/default_runtime.py'
]
translated_root = 'data/cityscapes_synthiastyle'
model = dict(reconstructor_checkpoint='work_dirs/ldr_recon-pretrain_synthia/'
             'iter_50000.pth')
target_train_dataset = dict(data_root=translated_root)
train_dataloader = dict(dataset=dict(target=dict(data_root=translated_root)))
val_dataloader = dict(dataset=dict(data_root=translated_root))
test_dataloader = val_dataloader
# for the configs with pseudo labels (ldr_r101_synthia2cs*.py): the target
# set with its pseudo labels (pseudo_label_dir, relative to the translated
# root or absolute; the pipeline passes the labeller's folder) and the 120k
# schedule
pseudo_label_dir = 'pseudo_labels/ldr-mpt'
labelled_target = dict(
    data_prefix=dict(
        img_path='leftImg8bit/train', seg_map_path=pseudo_label_dir),
    seg_map_suffix='_pseudo.png',
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations'),  # train ids, 255 = ignored
        dict(type='Resize', scale={{_base_.target_scale}}, keep_ratio=False),
        dict(type='PackSegInputs')
    ])
labelled_schedule = {{_base_.param_scheduler}}
linear_decay = [
    dict(
        type='LinearLR',
        start_factor=1.0,
        end_factor=0.0,
        begin=0,
        end=80000,
        by_epoch=False)
]
param_scheduler = dict(
    reconstructor=linear_decay, recon_discriminator=linear_decay)
train_cfg = dict(max_iters=80000)
