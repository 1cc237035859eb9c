# BDL's self-supervised learning step on GTA5 -> Cityscapes (Li et al.,
# "Bidirectional Learning for Domain Adaptation of Semantic Segmentation",
# CVPR 2019, Sec. 3.2-3.3): DeepLabV2-R101 trained with cross-entropy on the
# (translated) source labels plus cross-entropy weight 1 on target pseudo
# labels. The paper keeps pixels whose max probability reaches 0.9 (MPT);
# the official SSL.py uses per-class thresholds (median confidence per
# class, capped at 0.9). Write the labels of the adapted model first:
#   python tools/gen_pseudo_labels.py ADAPTED_CONFIG ADAPTED_CHECKPOINT \
#       --out-dir data/cityscapes/pseudo_labels/bdl-mpt --policy mpt
# (the official repo's variant: --policy class-median --out-dir
# data/cityscapes/pseudo_labels/bdl-class-median, and
# --cfg-options train_dataloader.dataset.target.data_prefix.seg_map_path=
# pseudo_labels/bdl-class-median). BDL trains on source images translated
# by its CycleGAN (tools/translate.py ... --out-root data/gta5_cs); set
# train_dataloader.dataset.source.data_root=data/gta5 for untranslated
# ones. This config has no adversarial term: BDL's full step adds the
# output-space discriminator of AdaptSegNet (the BDL method configs).
_base_ = [
    '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/gta2cs.py',
    '../_base_/default_runtime.py'
]
# relative to the target data_root (data/cityscapes)
pseudo_label_dir = 'pseudo_labels/bdl-mpt'
target_train_dataset = dict(
    data_prefix=dict(
        img_path='leftImg8bit/train', seg_map_path=pseudo_label_dir),
    seg_map_suffix='_pseudo.png',
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations'),  # uint8 train ids, 255 = ignored
        dict(type='Resize', scale={{_base_.target_scale}}, keep_ratio=False),
        dict(type='PackSegInputs')
    ])
train_dataloader = dict(
    dataset=dict(
        source=dict(data_root='data/gta5_cs'), target=target_train_dataset))
model = dict(
    _delete_=True,
    type='SelfTraining',
    segmentor={{_base_.model}},
    target_loss=dict(
        type='PseudoLabelLoss', loss_weight=1.0, average_over='kept'))
# BDL's segmentation optimizer (the AdaptSegNet code it builds on): SGD
# 2.5e-4, momentum 0.9, weight decay 5e-4, classifier 10x, poly 0.9 over
# 250k iterations; the SSL step stops at 120k.
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=2.5e-4, momentum=0.9, weight_decay=5e-4),
        paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.)})))
param_scheduler = dict(segmentor=[
    dict(
        type='PolyLR',
        power=0.9,
        eta_min=0.,
        begin=0,
        end=250000,
        by_epoch=False)
])
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=120000, val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
