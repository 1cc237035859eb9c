# Table 4's "T->S" row (SYNTHIA -> Cityscapes, R101: 52.0 mIoU13): LDR
# without the reconstruction (alpha = beta = 0), the labels of
# ldr_r101_synthia2cs.py.
_base_ = ['./ldr_r101_synthia2cs-round0.py']
# the pseudo-label term and the 120k schedule of ldr_r101_synthia2cs.py
train_dataloader = dict(dataset=dict(target={{_base_.labelled_target}}))
param_scheduler = {{_base_.labelled_schedule}}
train_cfg = dict(max_iters=120000)
model = dict(alpha=0., beta=0., reconstructor_checkpoint=None)
