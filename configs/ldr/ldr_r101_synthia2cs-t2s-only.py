# Table 4's "T->S" row (SYNTHIA -> Cityscapes, R101: 52.0 mIoU13): LDR
# without the reconstruction (alpha = beta = 0), the labels of
# ldr_r101_synthia2cs.py.
_base_ = ['./ldr_r101_synthia2cs.py']
model = dict(alpha=0., beta=0., reconstructor_checkpoint=None)
