# LDR on GTA5 -> Cityscapes, DeepLab-ResNet101 (paper Table 1, Eq. 6):
# ldr_r101_gta2cs-round0.py plus the cross-entropy on pseudo labels of the
# translated Cityscapes train set (BDL's max probability 0.9, written by
# tools/gen_pseudo_labels.py from the labeller, ldr_r101_gta2cs-t2s-only-
# round0.py, into pseudo_label_dir; the pipeline passes the folder). G
# restarts from ImageNet as BDL's rounds, M and D_1..3 from their
# pre-training; 120k iterations.
_base_ = ['./ldr_r101_gta2cs-round0.py']
train_dataloader = dict(dataset=dict(target={{_base_.labelled_target}}))
param_scheduler = {{_base_.labelled_schedule}}
train_cfg = dict(max_iters=120000)
