# Self-training on the toy benchmark: a fresh toy DeepLabV2 trained with the
# toy source labels plus target pseudo labels (cross-entropy weight 1, as in
# BDL's self-supervised step). The pseudo labels are BDL's max-probability
# threshold (0.9) labels of the toy source-only model, written beforehand by
#   python tools/gen_pseudo_labels.py \
#       configs/source_only/deeplabv2_r18_toy-gta2cs.py \
#       work_dirs/toy_benchmark/deeplabv2_r18_toy-gta2cs/seed0/iter_1000.pth \
#       --out-dir data/toy/cityscapes/pseudo_labels/source-only-mpt \
#       --policy mpt --threshold 0.9
# Other labels: --cfg-options \
#   train_dataloader.dataset.target.data_prefix.seg_map_path=pseudo_labels/DIR
_base_ = [
    '../_base_/models/deeplabv2_r18-toy.py',
    '../_base_/datasets/toy_gta2cs.py', '../_base_/default_runtime.py'
]
# relative to the target data_root (data/toy/cityscapes)
pseudo_label_dir = 'pseudo_labels/source-only-mpt'
target_train_dataset = dict(
    data_prefix=dict(
        img_path='leftImg8bit/train', seg_map_path=pseudo_label_dir),
    seg_map_suffix='_pseudo.png',
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations'),  # uint8 train ids, 255 = ignored
        dict(type='Resize', scale={{_base_.scale}}, keep_ratio=False),
        dict(type='RandomFlip', prob=0.5),
        dict(type='PackSegInputs')
    ])
train_dataloader = dict(
    dataset=dict(
        source={{_base_.source_train_dataset}}, target=target_train_dataset))
model = dict(
    _delete_=True,
    type='SelfTraining',
    segmentor={{_base_.model}},
    target_loss=dict(
        type='PseudoLabelLoss', loss_weight=1.0, average_over='kept'))
# The toy schedule (toy_1k.py: SGD 0.01, poly over 1k iterations) with the
# segmentor's optimizer under its child name, as the UDA models expect.
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4)))
param_scheduler = dict(segmentor=[
    dict(
        type='PolyLR',
        power=0.9,
        eta_min=0.,
        begin=0,
        end=1000,
        by_epoch=False)
])
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1000, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
