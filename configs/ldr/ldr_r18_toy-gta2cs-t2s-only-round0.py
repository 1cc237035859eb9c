# The labeller of the toy LDR pipeline: ldr_r18_toy-gta2cs-round0.py with
# alpha = beta = 0, i.e. BDL's Eq. 1 (the segmentation model the pseudo
# labels of [26] come from) on the source and the translated toy target,
# 1k iterations from scratch; also Table 3's "T->S" model before its
# pseudo labels.
_base_ = ['./ldr_r18_toy-gta2cs-round0.py']
model = dict(alpha=0., beta=0., reconstructor_checkpoint=None)
