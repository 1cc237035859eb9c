# Table 4, "CIR" alone: the source-only baseline
# (configs/source_only/deeplabv2_r101_gta2cs.py, a plain DeepLabV2-R101)
# trained on the CIR images instead of GTA5.
_base_ = ['../source_only/deeplabv2_r101_gta2cs.py']
train_dataloader = dict(dataset=dict(data_root='data/gta5_cirn'))
