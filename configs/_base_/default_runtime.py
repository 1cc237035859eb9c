# Runtime shared by every mmseg_uda config: mmseg's runtime, the plugin
# import, iteration-based hooks, the class-count sanity check and the
# channels-last switch. mmseg's env_cfg keeps cudnn_benchmark=True.
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
    visualization=dict(type='SegVisualizationHook'),
    # channels-last convolutions: off (see README, "Mixed precision");
    # --cfg-options default_hooks.channels_last.enabled=True
    channels_last=dict(type='ChannelsLastHook', enabled=False))
custom_hooks = [dict(type='NumClassesCheckHook')]
randomness = dict(seed=1234)
