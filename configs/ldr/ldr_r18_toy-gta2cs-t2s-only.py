# Table 3's "T->S" row on the toy benchmark: ldr_r18_toy-gta2cs.py with
# alpha = beta = 0 (no reconstruction: BDL's Eq. 1 + pseudo labels on the
# translated target; M, D_1..3 and the VGG are never run).
_base_ = ['./ldr_r18_toy-gta2cs.py']
model = dict(alpha=0., beta=0., reconstructor_checkpoint=None)
