# Toy stage 2 with K = 0: the ACM is a plain second classifier (CLAN on the
# toy CIR images).
_base_ = ['./cirn_r18_toy-gta2cs.py']
model = dict(segmentor=dict(decode_head=dict(num_attention=0)))
