# CIRN stage 3 on SYNTHIA -> Cityscapes: the recipe of
# cirn_r101_gta2cs-self-training.py (Eq. 9: cross-entropy on the target
# pseudo labels alone; the source slot holds the unlabelled Cityscapes
# train images) started from the SYNTHIA stage-2 model, on its pseudo
# labels:
#   python tools/gen_pseudo_labels.py configs/cirn/cirn_r101_synthia2cs.py \
#       work_dirs/cirn_r101_synthia2cs/iter_100000.pth \
#       --out-dir data/cityscapes/pseudo_labels/cirn_r101_synthia2cs \
#       --policy class-median
# (19 classes trained; mIoU16 and mIoU13 reported.)
_base_ = ['./cirn_r101_synthia2cs.py']
# relative to the target data_root (data/cityscapes)
pseudo_label_dir = 'pseudo_labels/cirn_r101_synthia2cs'
train_dataloader = dict(
    dataset=dict(
        source=dict(
            _delete_=True,
            type='CityscapesDataset',
            data_root={{_base_.target_root}},
            data_prefix=dict(img_path='leftImg8bit/train'),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(
                    type='Resize',
                    scale={{_base_.target_scale}},
                    keep_ratio=False),
                dict(type='PackSegInputs')
            ]),
        target=dict(
            data_prefix=dict(
                img_path='leftImg8bit/train', seg_map_path=pseudo_label_dir),
            seg_map_suffix='_pseudo.png',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations'),  # uint8 train ids, 255 ignored
                dict(
                    type='Resize',
                    scale={{_base_.target_scale}},
                    keep_ratio=False),
                dict(type='RandomFlip', prob=0.5),
                dict(type='PackSegInputs')
            ])))
model = dict(
    _delete_=True,
    type='SelfTraining',
    segmentor={{_base_.model.segmentor}},
    source_loss_weight=0.0,
    target_loss=dict(
        type='PseudoLabelLoss', loss_weight=1.0, average_over='kept'),
    segmentor_checkpoint='work_dirs/cirn_r101_synthia2cs/iter_100000.pth')
optim_wrapper = dict(
    _delete_=True,
    constructor='MultiOptimWrapperConstructor',
    segmentor={{_base_.optim_wrapper.segmentor}})
param_scheduler = dict(_delete_=True, segmentor={{_base_.poly_decay}})
