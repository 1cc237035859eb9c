# LDR's target-to-source CycleGAN on the built-in toy benchmark, CPU-sized:
# cyclegan_toy-gta2cs.py applied to the toy target images (made toy-source
# like; translate with tools/translate.py ... --dataset target_train_dataset
# / target_val_dataset --scale 128 64), at twice its width (base 16: at 8 the
# translations lose too much, the toy source-only model drops from 40.7 to
# 35.2 mIoU on the translated toy val set instead of to 38.5, seed 0; see
# configs/ldr/README.md). 1k iterations, batch 1, CycleGAN's optimiser.
_base_ = ['./cyclegan_toy-gta2cs.py']
model = dict(
    direction='target_to_source',
    generator=dict(base_channels=16),
    discriminator=dict(base_channels=16))
