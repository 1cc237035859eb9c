# Table 3's "T->S" row (GTA5 -> Cityscapes, R101: 49.1 mIoU): LDR without
# the reconstruction (alpha = beta = 0): BDL's Eq. 1 + pseudo labels on the
# translated Cityscapes, the same labels as ldr_r101_gta2cs.py.
_base_ = ['./ldr_r101_gta2cs.py']
model = dict(alpha=0., beta=0., reconstructor_checkpoint=None)
