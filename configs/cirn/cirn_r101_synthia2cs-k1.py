# Table 3: stage 2 with K = 1 attention modules in the ACM (the paper's
# choice, K = 2, is cirn_r101_synthia2cs.py).
_base_ = ['./cirn_r101_synthia2cs.py']
model = dict(segmentor=dict(decode_head=dict(num_attention=1)))
