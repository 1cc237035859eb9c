# Source-only baseline on SYNTHIA-RAND-CITYSCAPES -> Cityscapes: the GTA5
# baseline (deeplabv2_r101_gta2cs.py, AdaptSegNet's optimizer) trained on
# SYNTHIA resized to 1280x760, on the 19 Cityscapes classes (terrain, truck
# and train never occur); UDAIoUMetric reports mIoU16 and mIoU13. It is the
# M^(0) of BDL on SYNTHIA and the frozen model of CIRN's SYNTHIA stage 1
# (configs/translators/cyclegan_synthia2cs-cirn-semantic.py).
_base_ = ['./deeplabv2_r101_gta2cs.py']
source_pipeline = [
    dict(type='LoadImageFromFile'),
    # 16-bit labels, class id in the first channel (BGR order: channel 2)
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
    dict(type='Resize', scale=(1280, 760), keep_ratio=False),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='SynthiaDataset',
        data_root='data/synthia',
        pipeline=source_pipeline))
