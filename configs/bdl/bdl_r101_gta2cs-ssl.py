# BDL's M_i^(k), i >= 1 (paper Eq. 3): bdl_r101_gta2cs.py plus cross-entropy
# on the Cityscapes pseudo labels of M_{i-1}^(k) (max probability > 0.9,
# paper Sec. 4.3), 120k iterations (official code). Write the labels first:
#   python tools/gen_pseudo_labels.py configs/bdl/bdl_r101_gta2cs.py CKPT \
#       --out-dir data/cityscapes/pseudo_labels/bdl-mpt --policy mpt
# (official code: --policy class-median). The pipeline config passes the
# folder of each round.
_base_ = ['./bdl_r101_gta2cs.py']
# relative to the target data_root (data/cityscapes), or absolute
pseudo_label_dir = 'pseudo_labels/bdl-mpt'
train_dataloader = dict(
    dataset=dict(
        target=dict(
            data_prefix=dict(
                img_path='leftImg8bit/train', seg_map_path=pseudo_label_dir),
            seg_map_suffix='_pseudo.png',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations'),  # train ids, 255 = ignored
                dict(type='Resize', scale={{_base_.long_side}},
                     keep_ratio=True),
                dict(type='PackSegInputs')
            ])))
train_cfg = dict(max_iters=120000)
