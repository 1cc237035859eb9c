# CIRN end to end on the built-in toy benchmark, CPU
# (configs/_base_/stage_graphs/cirn.py):
#   python tools/run_pipeline.py configs/cirn/cirn_r18_toy-gta2cs_pipeline.py \
#       --seed 0
# The toy CIR dataset is translated at the models' 128x64. Table 4's "CIR"
# row (the source-only model trained on the CIR images):
# cirn_r18_toy-gta2cs-ablation_pipeline.py in the same work root.
_base_ = ['../_base_/stage_graphs/cirn.py']
toy_benchmark = 'data/toy'
configs = dict(
    source_only='configs/source_only/deeplabv2_r18_toy-gta2cs.py',
    translator='configs/translators/cyclegan_toy-gta2cs-cirn-semantic.py',
    adaptation='configs/cirn/cirn_r18_toy-gta2cs.py',
    self_training='configs/cirn/cirn_r18_toy-gta2cs-self-training.py')
translate_args = [
    '--dataset', 'source_train_dataset', '--scale', '128', '64'
]
