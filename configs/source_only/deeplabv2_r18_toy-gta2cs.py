# Source-only baseline on the toy benchmark: a stock mmseg EncoderDecoder
# trained on the toy source (GTA5 format), evaluated on the toy target
# (Cityscapes format).
_base_ = [
    '../_base_/models/deeplabv2_r18-toy.py',
    '../_base_/datasets/toy_gta2cs.py', '../_base_/schedules/toy_1k.py',
    '../_base_/default_runtime.py'
]
train_dataloader = dict(
    _delete_=True,
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset={{_base_.source_train_dataset}})
