# The labeller of LDR on SYNTHIA -> Cityscapes: BDL's Eq. 1 on SYNTHIA and
# the translated Cityscapes (ldr_r101_synthia2cs-round0.py, alpha = beta =
# 0).
_base_ = ['./ldr_r101_synthia2cs-round0.py']
model = dict(alpha=0., beta=0., reconstructor_checkpoint=None)
