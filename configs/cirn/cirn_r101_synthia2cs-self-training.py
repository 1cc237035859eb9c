# CIRN stage 3 on SYNTHIA -> Cityscapes: cirn_r101_gta2cs-self-training.py
# started from the SYNTHIA stage-2 model, on its pseudo labels:
#   python tools/gen_pseudo_labels.py configs/cirn/cirn_r101_synthia2cs.py \
#       work_dirs/cirn_r101_synthia2cs/iter_100000.pth \
#       --out-dir data/cityscapes/pseudo_labels/cirn_r101_synthia2cs \
#       --policy class-median
# (19 classes trained; mIoU16 and mIoU13 reported.)
_base_ = ['./cirn_r101_gta2cs-self-training.py']
pseudo_label_dir = 'pseudo_labels/cirn_r101_synthia2cs'
train_dataloader = dict(
    dataset=dict(target=dict(data_prefix=dict(seg_map_path=pseudo_label_dir))))
model = dict(
    segmentor_checkpoint='work_dirs/cirn_r101_synthia2cs/iter_100000.pth')
