# Source-only baseline on SYNTHIA-RAND-CITYSCAPES (BDL's M^(0) for SYNTHIA):
# deeplabv2_r101_gta2cs.py with the SYNTHIA source at 1280x760, 19 classes
# trained; the metric reports mIoU16 / mIoU13 next to mIoU on Cityscapes
# val.
_base_ = ['./deeplabv2_r101_gta2cs.py']
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='SynthiaDataset',
        data_root='data/synthia',
        pipeline=[
            dict(type='LoadImageFromFile'),
            # 16-bit labels, class id in the first channel (BGR: channel 2)
            dict(
                type='LoadUDAAnnotations', label_mapping='synthia',
                channel=2),
            dict(type='Resize', scale=(1280, 760), keep_ratio=False),
            dict(type='PackSegInputs')
        ]))
