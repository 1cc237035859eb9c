# Table 4, "CIR" alone: the SYNTHIA source-only baseline
# (configs/source_only/deeplabv2_r101_synthia2cs.py) trained on the CIR
# images instead of SYNTHIA.
_base_ = ['../source_only/deeplabv2_r101_synthia2cs.py']
train_dataloader = dict(dataset=dict(data_root='data/synthia_cirn'))
