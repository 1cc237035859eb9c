# FADA's stages for fada_r101_gta2cs (see configs/_base_/stage_graphs/fada.py):
#   python tools/run_pipeline.py \
#       configs/fada/fada_r101_gta2cs_pipeline.py
_base_ = ['../_base_/stage_graphs/fada.py']
configs = dict(
    warmup='configs/fada/fada_r101_gta2cs-warmup.py',
    adaptation='configs/fada/fada_r101_gta2cs.py',
    distillation='configs/fada/fada_r101_gta2cs-distill.py')
