# CycleGAN for LDR: the same translator as cyclegan_gta2cs.py, applied in
# the target-to-source direction (Cityscapes images made GTA5-like), with
# LDR's optimisation (paper Sec. 4.3): batch 1, Adam lr 1e-4, betas
# (0.5, 0.999), weight decay 1e-4, lr halved every 100k iterations, 1000k
# iterations. LDR's translator architecture is in its supplementary
# material; this is CycleGAN's.
_base_ = ['./cyclegan_gta2cs.py']
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
