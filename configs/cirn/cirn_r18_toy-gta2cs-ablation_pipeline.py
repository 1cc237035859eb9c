# Table 4's "CIR" row on the toy: the source-only model trained on the CIR
# images of cirn_r18_toy-gta2cs_pipeline.py. Run it in that pipeline's work
# root, so that its source-only model, translator and CIR data are reused:
#   python tools/run_pipeline.py \
#       configs/cirn/cirn_r18_toy-gta2cs-ablation_pipeline.py \
#       --work-root work_dirs/cirn_r18_toy-gta2cs_pipeline --seed 0
_base_ = ['./cirn_r18_toy-gta2cs_pipeline.py']
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
        name='cir_source_only',
        type='train',
        config='configs/cirn/cirn_r18_toy-gta2cs-cir-source-only.py',
        cfg_options={
            'train_dataloader.dataset.data_root': '${cir_data.out_dir}'
        }),
    dict(
        name='test_cir_source_only',
        type='test',
        config='configs/cirn/cirn_r18_toy-gta2cs-cir-source-only.py',
        checkpoint='${cir_source_only.checkpoint}'),
]
