# LDR's target-to-source CycleGAN for SYNTHIA -> Cityscapes: Cityscapes
# images made SYNTHIA-like, with the settings of cyclegan_cs2gta.py (LDR
# Sec. 4.3: batch 1, Adam 1e-4, betas (0.5, 0.999), weight decay 1e-4, lr
# halved every 100k iterations, 1000k iterations) on SYNTHIA-RAND-CITYSCAPES
# as the source domain (the 452x452 crops of the images resized to a long
# side of 1024, as cyclegan_synthia2cs.py).
_base_ = ['./cyclegan_synthia2cs.py']
model = dict(direction='target_to_source')
train_dataloader = dict(batch_size=1)
adam = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='Adam', lr=1e-4, betas=(0.5, 0.999), weight_decay=1e-4))
optim_wrapper = dict(generators=adam, discriminators=adam)
step_decay = [
    dict(
        type='StepLR',
        step_size=100000,
        gamma=0.5,
        begin=0,
        end=1000000,
        by_epoch=False)
]
param_scheduler = dict(generators=step_decay, discriminators=step_decay)
train_cfg = dict(max_iters=1000000)
default_hooks = dict(checkpoint=dict(interval=50000))
