# Loaders and metric shared by the UDA dataset bases (gta2cs.py,
# cs2crosscity_rome.py, toy_gta2cs.py), which fill in the datasets:
# training batches of source / target pairs (UDADataset), validation and
# testing on the target's labelled set, mIoU with mIoU16 / mIoU13.
train_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type='UDADataset'))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False))
test_dataloader = val_dataloader
val_evaluator = dict(type='UDAIoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
