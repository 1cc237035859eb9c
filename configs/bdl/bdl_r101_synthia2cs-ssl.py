# BDL's M_i^(k), i >= 1, on SYNTHIA -> Cityscapes (Eq. 3): see
# bdl_r101_gta2cs-ssl.py; labels of M_{i-1}^(k) in pseudo_label_dir.
_base_ = ['./bdl_r101_synthia2cs.py']
pseudo_label_dir = 'pseudo_labels/bdl-synthia-mpt'
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
