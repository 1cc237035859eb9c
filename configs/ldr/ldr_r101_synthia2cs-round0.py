# LDR on SYNTHIA -> Cityscapes without pseudo labels: as
# ldr_r101_gta2cs-round0.py with SYNTHIA-RAND-CITYSCAPES (1280x760,
# untranslated) as the source, Cityscapes translated to the SYNTHIA style by
# configs/translators/cyclegan_cs2synthia.py (data/cityscapes_synthiastyle)
# and M pre-trained by ldr_recon-pretrain_synthia.py. Trained on the 19
# Cityscapes classes; the metric reports the paper's 13-class mIoU (R101,
# mIoU13) and the 16-class one (mIoU16).
_base_ = ['./ldr_r101_gta2cs-round0.py']
translated_root = 'data/cityscapes_synthiastyle'
model = dict(reconstructor_checkpoint='work_dirs/ldr_recon-pretrain_synthia/'
             'iter_50000.pth')
source_pipeline = [
    dict(type='LoadImageFromFile'),
    # 16-bit labels, class id in the first channel (BGR order: channel 2)
    dict(type='LoadUDAAnnotations', label_mapping='synthia', channel=2),
    dict(type='Resize', scale=(1280, 760), keep_ratio=False),
    dict(type='PackSegInputs')
]
target_train_dataset = dict(data_root=translated_root)
train_dataloader = dict(
    dataset=dict(
        source=dict(
            _delete_=True,
            type='SynthiaDataset',
            data_root='data/synthia',
            pipeline=source_pipeline),
        target=dict(data_root=translated_root)))
val_dataloader = dict(dataset=dict(data_root=translated_root))
test_dataloader = val_dataloader
