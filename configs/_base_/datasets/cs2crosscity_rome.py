# Cityscapes train (labelled source) -> Cross-City Rome (NTHU): 3,200
# unlabelled train images, 100 labelled test images, 13 classes. The source
# labels are mapped to the same 13 classes.
source_root = 'data/cityscapes'
target_root = 'data/crosscity'
city = 'Rome'
source_scale = (1024, 512)
target_scale = (1024, 512)

source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadUDAAnnotations', label_mapping='crosscity'),
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
    dict(type='LoadUDAAnnotations', label_mapping='crosscity'),
    dict(type='PackSegInputs')
]
# tools/test.py --tta: mmseg's Cityscapes multi-scale + flip testing
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
            ], [dict(type='LoadUDAAnnotations', label_mapping='crosscity')],
            [dict(type='PackSegInputs')]
        ])
]

source_train_dataset = dict(
    type='CityscapesDataset',
    metainfo=dict(
        classes=('road', 'sidewalk', 'building', 'traffic light',
                 'traffic sign', 'vegetation', 'sky', 'person', 'rider', 'car',
                 'bus', 'motorcycle', 'bicycle')),
    data_root=source_root,
    data_prefix=dict(
        img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
    seg_map_suffix='_gtFine_labelIds.png',
    pipeline=source_pipeline)
target_train_dataset = dict(
    type='CrossCityDataset',
    data_root=target_root,
    city=city,
    split='train',
    pipeline=target_pipeline)
target_val_dataset = dict(
    type='CrossCityDataset',
    data_root=target_root,
    city=city,
    split='test',
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
