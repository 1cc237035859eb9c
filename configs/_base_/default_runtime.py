# Runtime shared by every mmseg_uda config: mmseg's runtime (its registry
# scope, env_cfg with cudnn_benchmark=True, local visualisation,
# iteration-based logging, the test-time augmentation wrapper), the plugin
# import, iteration-based hooks, the class-count sanity check, the random
# state in checkpoints and the channels-last switch. mmseg's runtime is
# written out rather than inherited so that every config stays at most
# three levels deep; the `_scope_` keys are those mmengine adds to what a
# config inherits through `mmseg::`.
default_scope = 'mmseg'
env_cfg = dict(
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))
vis_backends = [dict(type='LocalVisBackend', _scope_='mmseg')]
visualizer = dict(
    type='SegLocalVisualizer',
    vis_backends=[dict(type='LocalVisBackend')],
    name='visualizer',
    _scope_='mmseg')
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
tta_model = dict(type='SegTTAModel', _scope_='mmseg')

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
    channels_last=dict(type='ChannelsLastHook', enabled=False),
    # Hooks every run needs, in default_hooks so that a config's own
    # custom_hooks cannot drop them (tools/train.py adds them if absent):
    # the class-count check and the random state in checkpoints (exact
    # --resume).
    num_classes_check=dict(type='NumClassesCheckHook'),
    random_state=dict(type='RandomStateHook'))
custom_hooks = []
randomness = dict(seed=1234)
