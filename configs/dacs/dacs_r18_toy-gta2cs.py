# DACS on the built-in toy benchmark, CPU-sized: the toy DeepLabV2 as
# student and EMA teacher, DACS' settings otherwise (alpha 0.99, tau 0.968,
# ClassMix, colour jitter and blur of the mixed batch). The toy segmentor
# trains from scratch, so SGD starts at 0.01 as the other toy configs;
# batches are those of the toy dataset (4 source + 4 target images).
_base_ = [
    '../_base_/models/deeplabv2_r18-toy.py',
    '../_base_/datasets/toy_gta2cs.py', '../_base_/default_runtime.py'
]
model = dict(
    _delete_=True,
    type='DACS',
    segmentor={{_base_.model}},
    teacher=dict(type='EMATeacher', alpha=0.99),
    pseudo_labeler=dict(type='QualityPseudoLabeler', threshold=0.968),
    color_jitter=dict(strength=0.2, prob=0.8),
    blur=dict(prob=0.5, sigma_range=(0.15, 1.15)))
# one optimizer: the teacher has no trainable parameters
optim_wrapper = dict(
    constructor='MultiOptimWrapperConstructor',
    segmentor=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4)))
param_scheduler = dict(segmentor=[
    dict(
        type='PolyLR',
        power=0.9,
        eta_min=0.,
        begin=0,
        end=1000,
        by_epoch=False)
])
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1000, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
model_wrapper_cfg = dict(
    type='MMSeparateDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
