# Runtime shared by every mmseg_uda config: mmseg's runtime, the plugin
# import, iteration-based hooks and the class-count sanity check.
_base_ = ['mmseg::_base_/default_runtime.py']
custom_imports = dict(imports=['mmseg_uda'], allow_failed_imports=False)
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        by_epoch=False,
        interval=10000,
        max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
custom_hooks = [dict(type='NumClassesCheckHook')]
randomness = dict(seed=1234)
