# SYNTHIA-RAND-CITYSCAPES (labelled source) -> Cityscapes. Trained on the 19
# Cityscapes classes (terrain, truck, train never occur in SYNTHIA); the
# metric reports mIoU16 and mIoU13 (the papers' mIoU*) next to mIoU.
_base_ = ['./gta2cs.py']
source_root = 'data/synthia'
source_scale = (1280, 760)
source_pipeline = [
    dict(type='LoadImageFromFile'),
    # 16-bit labels, class id in the first channel (BGR order: channel 2)
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
    dict(type='Resize', scale=source_scale, keep_ratio=False),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    dataset=dict(
        source=dict(
            _delete_=True,
            type='SynthiaDataset',
            data_root=source_root,
            pipeline=source_pipeline)))
