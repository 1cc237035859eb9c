# CIRN's three stages (Gao et al., AAAI 2021) for tools/run_pipeline.py:
# the source-only model -> stage 1 (CycleGAN with the semantic-consistency
# loss through it) -> the CIR dataset (the source set translated at the
# scale the models see) -> stage 2 (C + ACM with the cosine-weighted
# adversarial loss) -> pseudo labels of the target train set -> stage 3
# (fine-tuning on them, Eq. 9) -> tests. A child pipeline names the stage
# configs and the tools' arguments.
configs = dict(
    source_only=None, translator=None, adaptation=None, self_training=None)
translate_args = ['--dataset', 'source_train_dataset']
pseudo_label_args = ['--policy', 'class-median']
# an existing source-only model (the same config and seed) instead of
# training one: --given source_only=PATH
stages = [
    dict(name='source_only', type='train', config='${configs.source_only}'),
    dict(
        name='cir_translator',
        type='train',
        config='${configs.translator}',
        cfg_options={
            'model.segmentor_checkpoint': '${source_only.checkpoint}'
        }),
    dict(
        name='cir_data',
        type='translate',
        config='${configs.translator}',
        checkpoint='${cir_translator.checkpoint}',
        args='${translate_args}'),
    dict(
        name='acm',
        type='train',
        config='${configs.adaptation}',
        cfg_options={
            'train_dataloader.dataset.source.data_root': '${cir_data.out_dir}'
        }),
    dict(
        name='labels',
        type='pseudo_label',
        config='${configs.adaptation}',
        checkpoint='${acm.checkpoint}',
        args='${pseudo_label_args}'),
    dict(
        name='self_training',
        type='train',
        config='${configs.self_training}',
        cfg_options={
            'train_dataloader.dataset.target.data_prefix.seg_map_path':
            '${labels.out_dir}',
            'model.segmentor_checkpoint': '${acm.checkpoint}'
        }),
    dict(
        name='test_source_only',
        type='test',
        config='${configs.source_only}',
        checkpoint='${source_only.checkpoint}'),
    dict(
        name='test_acm',
        type='test',
        config='${configs.adaptation}',
        checkpoint='${acm.checkpoint}'),
    dict(
        name='test_self_training',
        type='test',
        config='${configs.self_training}',
        checkpoint='${self_training.checkpoint}'),
]
