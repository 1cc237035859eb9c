# The official repo's optimizer instead of the paper's: plain SGD (no
# Nesterov), weight decay 5e-4.
_base_ = ['./adaptsegnet_r101_gta2cs-multi-level.py']
optim_wrapper = dict(
    segmentor=dict(optimizer=dict(nesterov=False, weight_decay=5e-4)))
