# SYNTHIA-RAND-CITYSCAPES (labelled source) -> Cityscapes (unlabelled target
# train, labelled val), images resized (not cropped): SYNTHIA to 1280x760,
# Cityscapes to 1024x512, batch 1 + 1. Trained on the 19 Cityscapes classes
# (terrain, truck, train never occur in SYNTHIA); the metric reports mIoU16
# and mIoU13 (the papers' mIoU*) next to mIoU.
source_root = 'data/synthia'
target_root = 'data/cityscapes'
source_scale = (1280, 760)
target_scale = (1024, 512)

source_pipeline = [
    dict(type='LoadImageFromFile'),
    # 16-bit labels, class id in the first channel (BGR order: channel 2)
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
    dict(type='Resize', scale=source_scale, keep_ratio=False),
    dict(type='PackSegInputs')
]
target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=target_scale, keep_ratio=False),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=target_scale, keep_ratio=False),
    # labels stay at full resolution: predictions are resized back
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='PackSegInputs')
]
img_ratios = [0.5, 0.75, 1.0, 1.25, 1.5, 1.75]
tta_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='TestTimeAug',
        transforms=[
            [
                dict(type='Resize', scale_factor=r, keep_ratio=True)
                for r in img_ratios
            ],
            [
                dict(type='RandomFlip', prob=0., direction='horizontal'),
                dict(type='RandomFlip', prob=1., direction='horizontal')
            ], [dict(type='LoadUDAAnnotations', label_mapping='cityscapes')],
            [dict(type='PackSegInputs')]
        ])
]

source_train_dataset = dict(
    type='SynthiaDataset', data_root=source_root, pipeline=source_pipeline)
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
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='UDADataset',
        source=source_train_dataset,
        target=target_train_dataset))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=target_val_dataset)
test_dataloader = val_dataloader
val_evaluator = dict(type='UDAIoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
