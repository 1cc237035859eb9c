# BDL's M_i^(k), i >= 1 (Eq. 3), on the toy benchmark: bdl_r18_toy-gta2cs.py
# plus cross-entropy on the toy target pseudo labels of M_{i-1}^(k)
# (pseudo_label_dir; the pipeline config passes each round's folder).
_base_ = ['./bdl_r18_toy-gta2cs.py']
# relative to the target data_root (data/toy/cityscapes), or absolute
pseudo_label_dir = 'pseudo_labels/bdl'
train_dataloader = dict(
    dataset=dict(
        target=dict(
            data_prefix=dict(
                img_path='leftImg8bit/train', seg_map_path=pseudo_label_dir),
            seg_map_suffix='_pseudo.png',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations'),  # train ids, 255 = ignored
                dict(type='Resize', scale={{_base_.scale}}, keep_ratio=False),
                dict(type='RandomFlip', prob=0.5),
                dict(type='PackSegInputs')
            ])))
