# Toy stage 3 (Eq. 9): the toy stage-2 model fine-tuned on its own target
# pseudo labels alone, with the toy stage-2 optimizer (SGD 0.01, poly
# restarted over 1k iterations). Labels first (BDL's per-class median
# thresholds, the policy that helps on the toy benchmark, see
# configs/self_training/README.md):
#   python tools/gen_pseudo_labels.py configs/cirn/cirn_r18_toy-gta2cs.py \
#       work_dirs/cirn_r18_toy-gta2cs/iter_1000.pth \
#       --out-dir data/toy/cityscapes/pseudo_labels/cirn_r18_toy-gta2cs \
#       --policy class-median
# As in cirn_r101_gta2cs-self-training.py the source slot holds the
# unlabelled toy target images, which SelfTraining(source_loss_weight=0)
# never uses.
_base_ = ['./cirn_r18_toy-gta2cs.py']
# relative to the target data_root (data/toy/cityscapes)
pseudo_label_dir = 'pseudo_labels/cirn_r18_toy-gta2cs'
train_dataloader = dict(
    dataset=dict(
        source=dict(
            _delete_=True,
            type='CityscapesDataset',
            data_root={{_base_.target_root}},
            data_prefix=dict(img_path='leftImg8bit/train'),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='Resize', scale={{_base_.scale}}, keep_ratio=False),
                dict(type='PackSegInputs')
            ]),
        target=dict(
            data_prefix=dict(
                img_path='leftImg8bit/train', seg_map_path=pseudo_label_dir),
            seg_map_suffix='_pseudo.png',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations'),  # uint8 train ids, 255 ignored
                dict(type='Resize', scale={{_base_.scale}}, keep_ratio=False),
                dict(type='RandomFlip', prob=0.5),
                dict(type='PackSegInputs')
            ])))
model = dict(
    _delete_=True,
    type='SelfTraining',
    segmentor={{_base_.model.segmentor}},
    source_loss_weight=0.0,
    target_loss=dict(
        type='PseudoLabelLoss', loss_weight=1.0, average_over='kept'),
    segmentor_checkpoint='work_dirs/cirn_r18_toy-gta2cs/iter_1000.pth')
optim_wrapper = dict(
    _delete_=True,
    constructor='MultiOptimWrapperConstructor',
    segmentor={{_base_.optim_wrapper.segmentor}})
param_scheduler = dict(_delete_=True, segmentor={{_base_.poly_decay}})
