# LDR on GTA5 -> Cityscapes without pseudo labels (Eq. 6 minus the
# pseudo-label term), DeepLab-ResNet101: the GTA5 images with their labels
# (untranslated: target-to-source translation leaves the source alone) and
# the Cityscapes train images translated to the GTA5 style by
# configs/translators/cyclegan_cs2gta.py (tools/translate.py into
# data/cityscapes_gta5style), validated on the translated val images (the
# paper's protocol). M and D_1..3 start from ldr_recon-pretrain_gta5.py, G
# from ImageNet; 80k iterations (BDL's round without pseudo labels). GTA5
# 1280x720, Cityscapes 1024x512, batch 1 + 1. The whole chain is
# ldr_r101_gta2cs_pipeline.py.
_base_ = [
    '../_base_/models/ldr_deeplabv2_r101.py', '../_base_/datasets/gta2cs.py',
    '../_base_/schedules/ldr_120k.py', '../_base_/default_runtime.py'
]
translated_root = 'data/cityscapes_gta5style'
model = dict(reconstructor_checkpoint='work_dirs/ldr_recon-pretrain_gta5/'
             'iter_100000.pth')
target_train_dataset = dict(data_root=translated_root)
train_dataloader = dict(
    dataset=dict(target=dict(data_root=translated_root)))
val_dataloader = dict(dataset=dict(data_root=translated_root))
test_dataloader = val_dataloader
# for the configs with pseudo labels (ldr_r101_*2cs.py): the target set with
# its pseudo labels (pseudo_label_dir, relative to the translated root or
# absolute; the pipeline passes the labeller's folder) and the 120k schedule
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
