# BDL's self-supervised learning step on SYNTHIA -> Cityscapes: as
# self-training_r101_gta2cs.py with SYNTHIA-RAND-CITYSCAPES as the source
# (translated by the SYNTHIA CycleGAN: tools/translate.py ... --out-root
# data/synthia_cs); trained on 19 classes, evaluated on 19, 16 and 13.
#   python tools/gen_pseudo_labels.py ADAPTED_CONFIG ADAPTED_CHECKPOINT \
#       --out-dir data/cityscapes/pseudo_labels/bdl-synthia-mpt --policy mpt
_base_ = './self-training_r101_gta2cs.py'
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
            data_root='data/synthia_cs',
            pipeline=source_pipeline),
        target=dict(
            data_prefix=dict(seg_map_path='pseudo_labels/bdl-synthia-mpt'))))
