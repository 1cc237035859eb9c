# Toy stage 2 on the untranslated toy source images (Table 4's "ASS"
# without "CIR").
_base_ = ['./cirn_r18_toy-gta2cs.py']
train_dataloader = dict(
    dataset=dict(source=dict(data_root={{_base_.source_root}})))
