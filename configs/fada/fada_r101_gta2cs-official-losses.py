# The official code's losses where they differ from the paper: the source
# cross-entropy on the tempered logits (logits / 1.8) and each term of the
# discriminator loss halved. Weight decay 5e-4 as in the repo.
_base_ = ['./fada_r101_gta2cs.py']
model = dict(source_ce_temperature=1.8, disc_term_weight=0.5)
optim_wrapper = dict(segmentor=dict(optimizer=dict(weight_decay=5e-4)))
