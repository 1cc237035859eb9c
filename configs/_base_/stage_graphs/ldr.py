# LDR end to end (Yang et al., ECCV 2020, Sec. 3-4) for
# tools/run_pipeline.py; a child pipeline sets the stage configs and tool
# arguments below.
#   source only: G on the source alone (Table 1's row), tested on the target
#     val set and on its translation
#   S1 translator F: X_t -> X_s (CycleGAN, target_to_source)
#   S2 translate the target train and val sets: X_{t->s} = F(X_t)
#   S3 pre-train M (and D_1..3) on the source labels -> source images
#   labeller: BDL's Eq. 1 on X_s and X_{t->s} (alpha = beta = 0), the model
#     the pseudo labels "derived from [26]" (BDL) come from
#   S4 pseudo labels of X_{t->s} from the labeller
#   S5 LDR: Eq. 6 with the pseudo labels, M and D_k from S3 (Table 3's
#     "T->S + Reconstruction"), and the same without reconstruction
#     (alpha = beta = 0: Table 3's "T->S")
#   S6 tests on the translated val set (the paper's protocol) and on the
#     untranslated one
configs = dict(
    source_only=None,
    translator=None,  # direction='target_to_source'
    recon_pretrain=None,  # LabelReconstructor
    labeller=None,  # LDR with alpha = beta = 0, no pseudo labels
    ldr=None,  # LDR, Eq. 6 with pseudo labels
    t2s_only=None)  # LDR with alpha = beta = 0 and pseudo labels
# the untranslated target val set (its data_root)
target_root = 'data/cityscapes'
# tools/translate.py arguments of each set, e.g. '--scale', '1024', '512'
translate_args = dict(
    train=['--dataset', 'target_train_dataset'],
    val=['--dataset', 'target_val_dataset'])
# the paper (BDL's SSL): max probability 0.9 (BDL's code: class-median)
pseudo_label_args = ['--policy', 'mpt', '--threshold', '0.9']
# G's start in S5; None = the config's own (ImageNet), as BDL restarts
start_checkpoints = dict(ldr=None, t2s_only=None)

target_root_option = 'train_dataloader.dataset.target.data_root'
label_dir_option = ('train_dataloader.dataset.target.data_prefix'
                    '.seg_map_path')
on_translated_val = {
    'val_dataloader.dataset.data_root': '${translated_val.out_dir}',
    'test_dataloader.dataset.data_root': '${translated_val.out_dir}'
}
on_untranslated_val = {
    'test_dataloader.dataset.data_root': '${target_root}'
}
adaptation = dict(on_translated_val)
adaptation.update({
    target_root_option: '${translated_train.out_dir}',
    'model.reconstructor_checkpoint': '${recon.checkpoint}'
})
# Existing models of the same configs and seed instead of training them:
# --given source_only=PATH translator=PATH recon=PATH labeller=PATH. The
# labeller's predictions become the pseudo labels Y_t^ssl (given, e.g.,
# BDL's final model); labelled_target_root is the set it labels: the
# translated target train set, or the untranslated one ('${target_root}'),
# which is pixel-aligned with its translation.
labelled_target_root = '${translated_train.out_dir}'
stages = [
    dict(name='source_only', type='train', config='${configs.source_only}'),
    dict(name='translator', type='train', config='${configs.translator}'),
    dict(
        name='translated_train',
        type='translate',
        config='${configs.translator}',
        checkpoint='${translator.checkpoint}',
        args='${translate_args.train}'),
    dict(
        name='translated_val',
        type='translate',
        config='${configs.translator}',
        checkpoint='${translator.checkpoint}',
        args='${translate_args.val}'),
    dict(name='recon', type='train', config='${configs.recon_pretrain}'),
    dict(
        name='labeller',
        type='train',
        config='${configs.labeller}',
        cfg_options=adaptation),
    dict(
        name='labels',
        type='pseudo_label',
        config='${configs.labeller}',
        checkpoint='${labeller.checkpoint}',
        cfg_options={
            'target_train_dataset.data_root': '${labelled_target_root}'
        },
        args='${pseudo_label_args}'),
]
for name in ('ldr', 't2s_only'):
    options = dict(adaptation)
    options.update({
        label_dir_option: '${labels.out_dir}',
        'model.segmentor_checkpoint': '${start_checkpoints.%s}' % name
    })
    stages.append(
        dict(
            name=name,
            type='train',
            config='${configs.%s}' % name,
            cfg_options=options))
for name in ('source_only', 'labeller', 'ldr', 't2s_only'):
    for suffix, options in (('', on_translated_val),
                            ('_untranslated', on_untranslated_val)):
        stages.append(
            dict(
                name=f'test_{name}{suffix}',
                type='test',
                config='${configs.%s}' % name,
                checkpoint='${%s.checkpoint}' % name,
                cfg_options=dict(options)))
del name, options, suffix
