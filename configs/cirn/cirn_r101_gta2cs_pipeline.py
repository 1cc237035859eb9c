# CIRN end to end on GTA5 -> Cityscapes for tools/run_pipeline.py: the
# frozen source-only model -> stage 1 (CycleGAN with the semantic loss) ->
# the CIR dataset (GTA5 translated at 1280x720) -> stage 2 (C + ACM with the
# cosine-weighted adversarial loss) -> class-median pseudo labels of the
# Cityscapes train set -> stage 3 (fine-tuning on them, Eq. 9) -> tests.
# Table 4's ablations are single configs of this folder (README.md).
stages = [
    dict(
        name='source_only',
        type='train',
        config='configs/source_only/deeplabv2_r101_gta2cs.py'),
    dict(
        name='cir_translator',
        type='train',
        config='configs/translators/cyclegan_gta2cs-cirn-semantic.py',
        cfg_options={
            'model.segmentor_checkpoint': '${source_only.checkpoint}'
        }),
    dict(
        name='cir_data',
        type='translate',
        config='configs/translators/cyclegan_gta2cs-cirn-semantic.py',
        checkpoint='${cir_translator.checkpoint}',
        args=['--dataset', 'source_train_dataset', '--scale', '1280', '720']),
    dict(
        name='acm',
        type='train',
        config='configs/cirn/cirn_r101_gta2cs.py',
        cfg_options={
            'train_dataloader.dataset.source.data_root': '${cir_data.out_dir}'
        }),
    dict(
        name='labels',
        type='pseudo_label',
        config='configs/cirn/cirn_r101_gta2cs.py',
        checkpoint='${acm.checkpoint}',
        args=['--policy', 'class-median']),
    dict(
        name='self_training',
        type='train',
        config='configs/cirn/cirn_r101_gta2cs-self-training.py',
        cfg_options={
            'train_dataloader.dataset.target.data_prefix.seg_map_path':
            '${labels.out_dir}',
            'model.segmentor_checkpoint': '${acm.checkpoint}'
        }),
    dict(
        name='test_source_only',
        type='test',
        config='configs/source_only/deeplabv2_r101_gta2cs.py',
        checkpoint='${source_only.checkpoint}'),
    dict(
        name='test_acm',
        type='test',
        config='configs/cirn/cirn_r101_gta2cs.py',
        checkpoint='${acm.checkpoint}'),
    dict(
        name='test_self_training',
        type='test',
        config='configs/cirn/cirn_r101_gta2cs-self-training.py',
        checkpoint='${self_training.checkpoint}'),
]
