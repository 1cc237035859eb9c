# Table 3's "T->S" row (GTA5 -> Cityscapes, R101: 49.1 mIoU): LDR without
# the reconstruction (alpha = beta = 0): BDL's Eq. 1 + pseudo labels on the
# translated Cityscapes, the same labels as ldr_r101_gta2cs.py.
_base_ = ['./ldr_r101_gta2cs-round0.py']
# the pseudo-label term and the 120k schedule of ldr_r101_gta2cs.py
train_dataloader = dict(dataset=dict(target={{_base_.labelled_target}}))
param_scheduler = {{_base_.labelled_schedule}}
train_cfg = dict(max_iters=120000)
model = dict(alpha=0., beta=0., reconstructor_checkpoint=None)
