# CIRN stage 2 on the built-in toy benchmark, CPU-sized: the toy DeepLabV2
# with C + ACM (K = 2) and a toy discriminator, trained from scratch (as
# the paper's stage 2 starts from ImageNet weights, not from the
# source-only model) on the toy CIR images and the toy target with the toy
# AdaptSegNet schedule (SGD 0.01 instead of 2.5e-4 because the toy model
# starts from scratch, Adam 1e-4 (0.9, 0.99), poly over 1k iterations,
# batch 4 + 4, 128x64 inputs, random flips). The CIR images come from
# stage 1:
#   python tools/translate.py \
#       configs/translators/cyclegan_toy-gta2cs-cirn-semantic.py \
#       work_dirs/cyclegan_toy-gta2cs-cirn-semantic/iter_1000.pth \
#       --scale 128 64 --out-root data/toy/gta5_cirn
_base_ = [
    '../_base_/models/cirn_deeplabv2_r18-toy.py',
    '../_base_/datasets/toy_gta2cs.py',
    '../_base_/schedules/adaptsegnet_toy_1k.py', '../_base_/default_runtime.py'
]
train_dataloader = dict(
    dataset=dict(source=dict(data_root='data/toy/gta5_cirn')))
