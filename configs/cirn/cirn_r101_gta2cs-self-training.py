# CIRN stage 3 (paper Eq. 9): the stage-2 model (C + ACM, prediction
# p1 + p2) fine-tuned with cross-entropy on its own target pseudo labels
# alone, with the stage-2 optimizer and lr (SGD 2.5e-4, head 10x, momentum
# 0.9, weight decay 5e-4, poly restarted over 100k iterations). The
# discriminator, R and the weight-discrepancy loss are dropped. Labels
# first (the paper does not say how; BDL's per-class median thresholds,
# capped at 0.9, are the repo's recommendation, see
# configs/self_training/README.md):
#   python tools/gen_pseudo_labels.py configs/cirn/cirn_r101_gta2cs.py \
#       work_dirs/cirn_r101_gta2cs/iter_100000.pth \
#       --out-dir data/cityscapes/pseudo_labels/cirn_r101_gta2cs \
#       --policy class-median
# Eq. 9 has no source term: SelfTraining(source_loss_weight=0) never looks
# at its source batch, so the source slot of the UDADataset holds the
# unlabelled Cityscapes train images and stage 3 needs no source data.
_base_ = ['./cirn_r101_gta2cs.py']
# relative to the target data_root (data/cityscapes)
pseudo_label_dir = 'pseudo_labels/cirn_r101_gta2cs'
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
    segmentor_checkpoint='work_dirs/cirn_r101_gta2cs/iter_100000.pth')
optim_wrapper = dict(
    _delete_=True,
    constructor='MultiOptimWrapperConstructor',
    segmentor={{_base_.optim_wrapper.segmentor}})
param_scheduler = dict(_delete_=True, segmentor={{_base_.poly_decay}})
