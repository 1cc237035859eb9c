# FADA stage 3: self-distillation. A fresh DeepLabV2-R101 (ImageNet weights)
# learns from the adapted model's hard argmax pseudo labels on all target
# training pixels, written beforehand by
#   python tools/gen_pseudo_labels.py configs/fada/fada_r101_gta2cs.py \
#       work_dirs/fada_r101_gta2cs/iter_40000.pth \
#       --out-dir data/cityscapes/pseudo_labels/fada_r101_gta2cs \
#       --policy argmax
# The paper gives no details; as in the official repo: cross-entropy on the
# pseudo labels only, random scale 0.5-1.5 of the full 2048x1024 images,
# 1024x512 crops, flips and colour jitter, trainable (synchronised) BN, batch
# 8, and testing at 2048x1024. Multi-scale testing (paper Table 4, "MST"):
# tools/test.py ... --tta. The training pipeline (full_scale, crop_size,
# color_jitter, distill_pipeline) is _base_/datasets/fada_distill_2048x1024.py.
_base_ = [
    '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/gta2cs.py',
    '../_base_/datasets/fada_distill_2048x1024.py',
    '../_base_/schedules/fada_distill_20k.py', '../_base_/default_runtime.py'
]
# relative to the target data_root (data/cityscapes)
pseudo_label_dir = 'pseudo_labels/fada_r101_gta2cs'
train_dataloader = dict(
    _delete_=True,
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='CityscapesDataset',
        data_root={{_base_.target_root}},
        data_prefix=dict(
            img_path='leftImg8bit/train', seg_map_path=pseudo_label_dir),
        seg_map_suffix='_pseudo.png',
        pipeline={{_base_.distill_pipeline}}))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale={{_base_.full_scale}}, keep_ratio=False),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='PackSegInputs')
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
tta_scales = [(1434, 717), (2048, 1024), (2662, 1331)]
tta_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='TestTimeAug',
        transforms=[
            [
                dict(type='Resize', scale=scale, keep_ratio=False)
                for scale in tta_scales
            ],
            [
                dict(type='RandomFlip', prob=0., direction='horizontal'),
                dict(type='RandomFlip', prob=1., direction='horizontal')
            ], [dict(type='LoadUDAAnnotations', label_mapping='cityscapes')],
            [dict(type='PackSegInputs')]
        ])
]
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(backbone=dict(norm_cfg=norm_cfg, norm_eval=False))
