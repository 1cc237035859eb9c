# The labeller of LDR on GTA5 -> Cityscapes: ldr_r101_gta2cs-round0.py with
# alpha = beta = 0, i.e. BDL's Eq. 1 on GTA5 and the translated Cityscapes
# (the model whose pseudo labels LDR "derives from [26]"); M, D_1..3 and
# the VGG are never run.
_base_ = ['./ldr_r101_gta2cs-round0.py']
model = dict(alpha=0., beta=0., reconstructor_checkpoint=None)
