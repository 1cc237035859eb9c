# Table 4, "ASS" without "CIR": stage 2 on the untranslated SYNTHIA images.
_base_ = ['./cirn_r101_synthia2cs.py']
train_dataloader = dict(dataset=dict(source=dict(data_root='data/synthia')))
