# Toy "CIR" alone (Table 4's second row): the toy source-only baseline
# (configs/source_only/deeplabv2_r18_toy-gta2cs.py) trained on the toy CIR
# images instead of the toy source.
_base_ = ['../source_only/deeplabv2_r18_toy-gta2cs.py']
train_dataloader = dict(dataset=dict(data_root='data/toy/gta5_cirn'))
