# The built-in toy benchmark: procedurally generated "game" scenes written in
# GTA5's format (source) and "real" scenes in Cityscapes' format (target).
# Generate it with:
#   python tools/dataset_converters/generate_toy_benchmark.py \
#       --out-dir data/toy
source_root = 'data/toy/gta5'
target_root = 'data/toy/cityscapes'
# The toy images are 256x128; models see them at half size (128x64) so that
# a toy training run takes minutes on two CPU cores. Labels are evaluated at
# full size (predictions are resized back).
scale = (128, 64)

source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='Resize', scale=scale, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=scale, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=scale, keep_ratio=False),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='PackSegInputs')
]
# tools/test.py --tta: the test scale x 0.75, 1.0, 1.25 and 1.5, each with a
# horizontal flip, softmax averaged.
tta_ratios = [0.75, 1.0, 1.25, 1.5]
tta_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='TestTimeAug',
        transforms=[
            [
                dict(
                    type='Resize',
                    scale=(int(scale[0] * r), int(scale[1] * r)),
                    keep_ratio=False) for r in tta_ratios
            ],
            [
                dict(type='RandomFlip', prob=0., direction='horizontal'),
                dict(type='RandomFlip', prob=1., direction='horizontal')
            ], [dict(type='LoadUDAAnnotations', label_mapping='cityscapes')],
            [dict(type='PackSegInputs')]
        ])
]

source_train_dataset = dict(
    type='GTA5Dataset',
    data_root=source_root,
    ann_file='train.txt',
    pipeline=source_pipeline)
source_val_dataset = dict(
    type='GTA5Dataset',
    data_root=source_root,
    ann_file='val.txt',
    pipeline=test_pipeline)
target_train_dataset = dict(
    type='CityscapesDataset',
    data_root=target_root,
    data_prefix=dict(img_path='leftImg8bit/train'),
    pipeline=target_pipeline)
target_val_dataset = dict(
    type='CityscapesDataset',
    data_root=target_root,
    data_prefix=dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val'),
    seg_map_suffix='_gtFine_labelIds.png',
    pipeline=test_pipeline)

# training batches of source / target pairs (UDADataset); validation and
# testing on the target's labelled set, mIoU (with mIoU16 / mIoU13)
train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='UDADataset',
        source=source_train_dataset,
        target=target_train_dataset))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=target_val_dataset)
test_dataloader = val_dataloader
val_evaluator = dict(type='UDAIoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
