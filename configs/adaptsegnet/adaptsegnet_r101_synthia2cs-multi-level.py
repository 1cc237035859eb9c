_base_ = [
    '../_base_/models/adaptsegnet_deeplabv2_r101.py',
    '../_base_/datasets/synthia2cs.py',
    '../_base_/schedules/adaptsegnet_150k.py', '../_base_/default_runtime.py'
]
