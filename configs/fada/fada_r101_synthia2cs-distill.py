# FADA stage 3 for SYNTHIA -> Cityscapes: self-distillation on the pseudo
# labels of fada_r101_synthia2cs.py, otherwise as fada_r101_gta2cs-distill.py.
#   python tools/gen_pseudo_labels.py configs/fada/fada_r101_synthia2cs.py \
#       work_dirs/fada_r101_synthia2cs/iter_40000.pth \
#       --out-dir data/cityscapes/pseudo_labels/fada_r101_synthia2cs \
#       --policy argmax
_base_ = ['./fada_r101_gta2cs-distill.py']
train_dataloader = dict(
    dataset=dict(
        data_prefix=dict(seg_map_path='pseudo_labels/fada_r101_synthia2cs')))
