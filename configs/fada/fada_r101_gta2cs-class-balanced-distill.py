# Class-balanced variant, stage 3: self-distillation on the pseudo labels of
# fada_r101_gta2cs-class-balanced.py, otherwise as
# fada_r101_gta2cs-distill.py.
_base_ = ['./fada_r101_gta2cs-distill.py']
train_dataloader = dict(
    dataset=dict(
        data_prefix=dict(
            seg_map_path='pseudo_labels/fada_r101_gta2cs-class-balanced')))
