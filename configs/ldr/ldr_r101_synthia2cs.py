# LDR on SYNTHIA -> Cityscapes, DeepLab-ResNet101 (paper Table 2, Eq. 6):
# ldr_r101_synthia2cs-round0.py plus the cross-entropy on the pseudo labels
# of the translated Cityscapes train set (see ldr_r101_gta2cs.py), 120k
# iterations; 13-class mIoU (mIoU13) as the paper, 16 classes too.
_base_ = ['./ldr_r101_synthia2cs-round0.py']
train_dataloader = dict(dataset=dict(target={{_base_.labelled_target}}))
param_scheduler = {{_base_.labelled_schedule}}
train_cfg = dict(max_iters=120000)
