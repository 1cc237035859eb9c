# Table 5 (GTA5 -> Cityscapes): the label map's temperature tau = 1e-1
# instead of 1e-3 (the paper's table is for FCN-VGG16, which the repo does
# not have; this is the R101 model of ldr_r101_gta2cs.py).
_base_ = ['./ldr_r101_gta2cs-round0.py']
# the pseudo-label term and the 120k schedule of ldr_r101_gta2cs.py
train_dataloader = dict(dataset=dict(target={{_base_.labelled_target}}))
param_scheduler = {{_base_.labelled_schedule}}
train_cfg = dict(max_iters=120000)
model = dict(tau=0.1)
