# BDL's bidirectional loop (Li et al., CVPR 2019, Algorithm 1, reconstructed
# from Sec. 3-4) with K = 2 outer and N = 2 inner rounds, for
# tools/run_pipeline.py:
#   M^(0) source-only
#   for k = 1..K:
#     F^(k): CycleGAN + perceptual loss through the frozen M^(0) (k = 1) or
#            M_N^(k-1) (k > 1)
#     S'_k = F^(k)(S), labels unchanged
#     M_0^(k): Eq. 1 on S'_k and T
#     for i = 1..N: pseudo labels of T from M_{i-1}^(k); M_i^(k): Eq. 3
#   every M tested on the target val set (the paper's Table 2 rows)
# A child pipeline sets the stage configs and tool arguments below.
configs = dict(
    source_only=None,  # M^(0)
    translator=None,  # F^(k), with perceptual_loss
    adaptation=None,  # M_0^(k), Eq. 1
    self_supervised=None)  # M_i^(k), i >= 1, Eq. 3
# e.g. ['--scale', '1024', '563']: translate at the scale M trains at
translate_args = []
# the paper's max-probability threshold 0.9 (official code: class-median)
pseudo_label_args = ['--policy', 'mpt', '--threshold', '0.9']
# The checkpoint each M starts from; None = the config's own start (the
# ImageNet backbone), as the official code does for every M.
start_checkpoints = dict(
    m0_k1=None, m1_k1=None, m2_k1=None, m0_k2=None, m1_k2=None, m2_k2=None)
# The checkpoint each translator starts from (load_from); None = fresh.
translator_starts = dict(f_k1=None, f_k2=None)

source_root_option = 'train_dataloader.dataset.source.data_root'
label_dir_option = ('train_dataloader.dataset.target.data_prefix'
                    '.seg_map_path')
# an existing source-only model (the same config and seed) instead of
# training one: --given m0=PATH
stages = [
    dict(name='m0', type='train', config='${configs.source_only}'),
    dict(
        name='test_m0',
        type='test',
        config='${configs.source_only}',
        checkpoint='${m0.checkpoint}')
]
for k in (1, 2):
    perceptual_net = 'm0' if k == 1 else f'm2_k{k - 1}'
    stages += [
        dict(
            name=f'f_k{k}',
            type='train',
            config='${configs.translator}',
            cfg_options={
                'model.segmentor_checkpoint':
                '${%s.checkpoint}' % perceptual_net,
                'load_from': '${translator_starts.f_k%d}' % k
            }),
        dict(
            name=f'translated_k{k}',
            type='translate',
            config='${configs.translator}',
            checkpoint='${f_k%d.checkpoint}' % k,
            args='${translate_args}'),
    ]
    for i in (0, 1, 2):
        name = f'm{i}_k{k}'
        options = {
            source_root_option: '${translated_k%d.out_dir}' % k,
            'model.segmentor_checkpoint': '${start_checkpoints.%s}' % name
        }
        if i > 0:
            stages.append(
                dict(
                    name=f'labels_{name}',
                    type='pseudo_label',
                    config='${configs.adaptation}',
                    checkpoint='${m%d_k%d.checkpoint}' % (i - 1, k),
                    args='${pseudo_label_args}'))
            options[label_dir_option] = '${labels_%s.out_dir}' % name
        config = '${configs.adaptation}' if i == 0 else (
            '${configs.self_supervised}')
        stages += [
            dict(name=name, type='train', config=config,
                 cfg_options=options),
            dict(
                name=f'test_{name}',
                type='test',
                config=config,
                checkpoint='${%s.checkpoint}' % name)
        ]
del k, i, name, options, config, perceptual_net
