# BDL's self-supervised learning step on SYNTHIA -> Cityscapes: as
# self-training_r101_gta2cs.py with SYNTHIA-RAND-CITYSCAPES as the source
# (translated by the SYNTHIA CycleGAN: tools/translate.py ... --out-root
# data/synthia_cs); trained on 19 classes, evaluated on 19, 16 and 13.
#   python tools/gen_pseudo_labels.py ADAPTED_CONFIG ADAPTED_CHECKPOINT \
#       --out-dir data/cityscapes/pseudo_labels/bdl-synthia-mpt --policy mpt
_base_ = [
    '../_base_/models/deeplabv2_r101.py', '../_base_/datasets/synthia2cs.py',
    '../_base_/default_runtime.py'
]
# relative to the target data_root (data/cityscapes)
pseudo_label_dir = 'pseudo_labels/bdl-synthia-mpt'
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
        source=dict(data_root='data/synthia_cs'), target=target_train_dataset))
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
