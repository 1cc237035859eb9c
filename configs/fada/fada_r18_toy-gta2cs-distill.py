# Toy stage 3, self-distillation: a fresh toy DeepLabV2 trained from scratch
# on the adapted toy model's argmax pseudo labels of the toy target train
# set, written beforehand by
#   python tools/gen_pseudo_labels.py configs/fada/fada_r18_toy-gta2cs.py \
#       work_dirs/fada_r18_toy-gta2cs/iter_1000.pth \
#       --out-dir data/toy/cityscapes/pseudo_labels/fada_r18_toy-gta2cs \
#       --policy argmax
# The R101 recipe scaled to the toy images (256x128 = Cityscapes' 2048x1024
# halved three times; the toy models see 128x64 like the R101 ones see
# 1024x512): random scale 0.5-1.5 of 256x128, 128x64 crops, flips, testing
# at 256x128; the toy source-only schedule (SGD 0.01, poly, 1k iterations).
_base_ = [
    '../_base_/models/deeplabv2_r18-toy.py',
    '../_base_/datasets/toy_gta2cs.py', '../_base_/schedules/toy_1k.py',
    '../_base_/default_runtime.py'
]
# relative to the target data_root (data/toy/cityscapes)
pseudo_label_dir = 'pseudo_labels/fada_r18_toy-gta2cs'
full_scale = (256, 128)
crop_size = (64, 128)
distill_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),  # uint8 train ids
    dict(
        type='RandomResize',
        scale=full_scale,
        ratio_range=(0.5, 1.5),
        keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    _delete_=True,
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='CityscapesDataset',
        data_root={{_base_.target_root}},
        data_prefix=dict(
            img_path='leftImg8bit/train', seg_map_path=pseudo_label_dir),
        seg_map_suffix='_pseudo.png',
        pipeline=distill_pipeline))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=full_scale, keep_ratio=False),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='PackSegInputs')
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
# multi-scale testing as fada_r101_gta2cs-distill.py: 0.7, 1.0, 1.3 + flips
tta_scales = [(179, 90), (256, 128), (333, 166)]
tta_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='TestTimeAug',
        transforms=[
            [
                dict(type='Resize', scale=scale, keep_ratio=False)
                for scale in tta_scales
            ],
            [
                dict(type='RandomFlip', prob=0., direction='horizontal'),
                dict(type='RandomFlip', prob=1., direction='horizontal')
            ], [dict(type='LoadUDAAnnotations', label_mapping='cityscapes')],
            [dict(type='PackSegInputs')]
        ])
]
