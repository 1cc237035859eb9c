# Table 4, "ASS" without "CIR": stage 2 on the untranslated GTA5 images.
# Its self-training ("ASS + ST"): label with this model and train
# cirn_r101_gta2cs-self-training.py from its checkpoint (see README.md).
_base_ = ['./cirn_r101_gta2cs.py']
train_dataloader = dict(dataset=dict(source=dict(data_root='data/gta5')))
