# CIRN end to end on the built-in toy benchmark (CPU) for
# tools/run_pipeline.py: the toy source-only model -> stage 1 (toy CycleGAN
# with the semantic loss through it) -> the toy CIR dataset (translated at
# the models' 128x64) -> stage 2 (C + ACM) -> class-median pseudo labels ->
# stage 3 -> tests; plus the source-only model trained on the CIR images
# (Table 4's "CIR" row), for the README's ablation table.
stages = [
    dict(
        name='source_only',
        type='train',
        config='configs/source_only/deeplabv2_r18_toy-gta2cs.py'),
    dict(
        name='cir_translator',
        type='train',
        config='configs/translators/cyclegan_toy-gta2cs-cirn-semantic.py',
        cfg_options={
            'model.segmentor_checkpoint': '${source_only.checkpoint}'
        }),
    dict(
        name='cir_data',
        type='translate',
        config='configs/translators/cyclegan_toy-gta2cs-cirn-semantic.py',
        checkpoint='${cir_translator.checkpoint}',
        args=['--dataset', 'source_train_dataset', '--scale', '128', '64']),
    dict(
        name='cir_source_only',
        type='train',
        config='configs/cirn/cirn_r18_toy-gta2cs-cir-source-only.py',
        cfg_options={
            'train_dataloader.dataset.data_root': '${cir_data.out_dir}'
        }),
    dict(
        name='acm',
        type='train',
        config='configs/cirn/cirn_r18_toy-gta2cs.py',
        cfg_options={
            'train_dataloader.dataset.source.data_root': '${cir_data.out_dir}'
        }),
    dict(
        name='labels',
        type='pseudo_label',
        config='configs/cirn/cirn_r18_toy-gta2cs.py',
        checkpoint='${acm.checkpoint}',
        args=['--policy', 'class-median']),
    dict(
        name='self_training',
        type='train',
        config='configs/cirn/cirn_r18_toy-gta2cs-self-training.py',
        cfg_options={
            'train_dataloader.dataset.target.data_prefix.seg_map_path':
            '${labels.out_dir}',
            'model.segmentor_checkpoint': '${acm.checkpoint}'
        }),
    dict(
        name='test_source_only',
        type='test',
        config='configs/source_only/deeplabv2_r18_toy-gta2cs.py',
        checkpoint='${source_only.checkpoint}'),
    dict(
        name='test_cir_source_only',
        type='test',
        config='configs/cirn/cirn_r18_toy-gta2cs-cir-source-only.py',
        checkpoint='${cir_source_only.checkpoint}'),
    dict(
        name='test_acm',
        type='test',
        config='configs/cirn/cirn_r18_toy-gta2cs.py',
        checkpoint='${acm.checkpoint}'),
    dict(
        name='test_self_training',
        type='test',
        config='configs/cirn/cirn_r18_toy-gta2cs-self-training.py',
        checkpoint='${self_training.checkpoint}'),
]
