# Does BDL's perceptual loss keep semantics? The toy source-only model M^(0)
# segments the toy source val images translated by the plain toy CycleGAN
# and by the one trained with the perceptual loss through M^(0) (F^(1) of
# the BDL loop), against the source labels (higher = more semantics kept);
# and M_0^(1) (Eq. 1 from M^(0)) is trained on the plain translations, to
# compare with the loop's M_0^(1), trained on F^(1)'s.
# Run it in a BDL toy loop's work root to reuse its m0 and f_k1:
#   python tools/run_pipeline.py \
#       configs/bdl/bdl_r18_toy-gta2cs-translator-semantics_pipeline.py \
#       --work-root work_dirs/bdl_r18_toy-gta2cs_pipeline --seed 0
toy_benchmark = 'data/toy'
source_only = 'configs/source_only/deeplabv2_r18_toy-gta2cs.py'
on_source = 'configs/source_only/deeplabv2_r18_toy-gta2cs-test-on-source.py'
translators = dict(
    f_plain='configs/translators/cyclegan_toy-gta2cs.py',
    f_k1='configs/translators/cyclegan_toy-gta2cs-bdl-perceptual.py')
stages = [
    dict(name='m0', type='train', config='${source_only}'),
    dict(
        name='test_m0_on_source',
        type='test',
        config='${on_source}',
        checkpoint='${m0.checkpoint}'),
    dict(name='f_plain', type='train', config='${translators.f_plain}'),
    dict(
        name='f_k1',
        type='train',
        config='${translators.f_k1}',
        cfg_options={'model.segmentor_checkpoint': '${m0.checkpoint}'}),
]
for name in ('f_plain', 'f_k1'):
    stages += [
        dict(
            name=f'source_val_{name}',
            type='translate',
            config='${translators.%s}' % name,
            checkpoint='${%s.checkpoint}' % name,
            args=['--dataset', 'source_val_dataset', '--scale', '128',
                  '64']),
        dict(
            name=f'test_m0_on_source_val_{name}',
            type='test',
            config='${on_source}',
            checkpoint='${m0.checkpoint}',
            cfg_options={
                'test_dataloader.dataset.data_root':
                '${source_val_%s.out_dir}' % name
            }),
    ]
stages += [
    dict(
        name='translated_plain',
        type='translate',
        config='${translators.f_plain}',
        checkpoint='${f_plain.checkpoint}',
        args=['--scale', '128', '64']),
    dict(
        name='m0_k1_plain',
        type='train',
        config='configs/bdl/bdl_r18_toy-gta2cs.py',
        cfg_options={
            'train_dataloader.dataset.source.data_root':
            '${translated_plain.out_dir}',
            'model.segmentor_checkpoint': '${m0.checkpoint}'
        }),
    dict(
        name='test_m0_k1_plain',
        type='test',
        config='configs/bdl/bdl_r18_toy-gta2cs.py',
        checkpoint='${m0_k1_plain.checkpoint}'),
]
del name
