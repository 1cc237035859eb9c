# FADA stage 3 for SYNTHIA -> Cityscapes: self-distillation on the pseudo
# labels of fada_r101_synthia2cs.py, otherwise as fada_r101_gta2cs-distill.py.
#   python tools/gen_pseudo_labels.py configs/fada/fada_r101_synthia2cs.py \
#       work_dirs/fada_r101_synthia2cs/iter_40000.pth \
#       --out-dir data/cityscapes/pseudo_labels/fada_r101_synthia2cs \
#       --policy argmax
_base_ = [
    '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/synthia2cs.py',
    '../_base_/datasets/fada_distill_2048x1024.py',
    '../_base_/schedules/fada_distill_20k.py', '../_base_/default_runtime.py'
]
# relative to the target data_root (data/cityscapes)
pseudo_label_dir = 'pseudo_labels/fada_r101_synthia2cs'
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
