# FADA's adversarial stage on the toy benchmark: the toy segmentor is
# fine-tuned from its source-only warm-up (trained with SGD 0.01, toy_1k.py)
# with SGD 0.005, momentum 0.9, weight decay 5e-4, for 1k iterations; the
# discriminator keeps the paper's Adam 1e-4, betas (0.9, 0.99); poly 0.9.
# That is AdaptSegNet's toy schedule with half its segmentor learning rate.
_base_ = ['./adaptsegnet_toy_1k.py']
optim_wrapper = dict(segmentor=dict(optimizer=dict(lr=0.005)))
