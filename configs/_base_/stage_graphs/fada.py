# FADA's stages (Wang et al., ECCV 2020, Sec. 4.3 and Table 4) for
# tools/run_pipeline.py: source-only warm-up -> fine-grained adversarial
# adaptation from the warm-up -> argmax pseudo labels of the target training
# set -> self-distillation -> tests of the adapted and the distilled model,
# the latter also with multi-scale testing (MST, --tta). A child pipeline
# names the stage configs. Start from an existing warm-up model instead of
# training one: --given warmup=work_dirs/.../iter_1000.pth
configs = dict(warmup=None, adaptation=None, distillation=None)
# the official recipe: argmax labels of every target training pixel
pseudo_label_args = ['--policy', 'argmax']
stages = [
    dict(name='warmup', type='train', config='${configs.warmup}'),
    dict(
        name='adaptation',
        type='train',
        config='${configs.adaptation}',
        cfg_options={'model.segmentor_checkpoint': '${warmup.checkpoint}'}),
    dict(
        name='labels',
        type='pseudo_label',
        config='${configs.adaptation}',
        checkpoint='${adaptation.checkpoint}',
        args='${pseudo_label_args}'),
    dict(
        name='distillation',
        type='train',
        config='${configs.distillation}',
        cfg_options={
            'train_dataloader.dataset.data_prefix.seg_map_path':
            '${labels.out_dir}'
        }),
    dict(
        name='test_adaptation',
        type='test',
        config='${configs.adaptation}',
        checkpoint='${adaptation.checkpoint}'),
    dict(
        name='test_distillation',
        type='test',
        config='${configs.distillation}',
        checkpoint='${distillation.checkpoint}'),
    dict(
        name='test_distillation_mst',
        type='test',
        config='${configs.distillation}',
        checkpoint='${distillation.checkpoint}',
        args=['--tta']),
]
