# FADA's self-distillation: a fresh student trained on the adapted model's
# target pseudo labels. The paper gives no details; the official repo's
# setting is used: SGD lr 5e-4 (head 10x), momentum 0.9, poly 0.9 over 31,250
# iterations, stop at 20k. Weight decay 1e-4 as in the paper's other stages
# (the repo: 5e-4). That is the warm-up schedule with twice its learning
# rate.
_base_ = ['./fada_warmup_20k.py']
optim_wrapper = dict(optimizer=dict(lr=5e-4))
