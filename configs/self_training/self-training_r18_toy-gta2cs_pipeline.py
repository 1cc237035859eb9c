# Self-training on the toy benchmark as one command (tools/run_pipeline.py):
# the source-only model -> its class-median pseudo labels of the target
# training set -> a fresh model trained on source labels + those pseudo
# labels -> tests of both. The README's self-training row; on the second
# toy pair with --toy-pair b:
#   python tools/run_pipeline.py \
#       configs/self_training/self-training_r18_toy-gta2cs_pipeline.py \
#       --seed 0 [--toy-pair b]
configs = dict(
    source_only='configs/source_only/deeplabv2_r18_toy-gta2cs.py',
    self_training='configs/self_training/'
    'self-training_r18_toy-gta2cs-class-median.py')
# an existing source-only model (same config and seed) instead of training
# one: --given source_only=PATH
pseudo_label_args = ['--policy', 'class-median']
toy_benchmark = 'data/toy'
stages = [
    dict(name='source_only', type='train', config='${configs.source_only}'),
    dict(
        name='labels',
        type='pseudo_label',
        config='${configs.source_only}',
        checkpoint='${source_only.checkpoint}',
        args='${pseudo_label_args}'),
    dict(
        name='self_training',
        type='train',
        config='${configs.self_training}',
        cfg_options={
            'train_dataloader.dataset.target.data_prefix.seg_map_path':
            '${labels.out_dir}'
        }),
    dict(
        name='test_source_only',
        type='test',
        config='${configs.source_only}',
        checkpoint='${source_only.checkpoint}'),
    dict(
        name='test_self_training',
        type='test',
        config='${configs.self_training}',
        checkpoint='${self_training.checkpoint}'),
]
