# Table 3: stage 2 with K = 0 attention modules in the ACM (the paper's
# choice, K = 2, is cirn_r101_gta2cs.py).
# K = 0: the ACM degenerates to a plain second classifier, i.e. CLAN trained
# on the CIR images.
_base_ = ['./cirn_r101_gta2cs.py']
model = dict(segmentor=dict(decode_head=dict(num_attention=0)))
