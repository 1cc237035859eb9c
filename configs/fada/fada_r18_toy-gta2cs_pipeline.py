# FADA's stages for fada_r18_toy-gta2cs
# (see configs/_base_/stage_graphs/fada.py):
#   python tools/run_pipeline.py \
#       configs/fada/fada_r18_toy-gta2cs_pipeline.py
_base_ = ['../_base_/stage_graphs/fada.py']
configs = dict(
    warmup='configs/fada/fada_r18_toy-gta2cs-warmup.py',
    adaptation='configs/fada/fada_r18_toy-gta2cs.py',
    distillation='configs/fada/fada_r18_toy-gta2cs-distill.py')
toy_benchmark = 'data/toy'
