# FADA's stages for fada_r101_gta2cs-class-balanced:
#   python tools/run_pipeline.py \
#       configs/fada/fada_r101_gta2cs-class-balanced_pipeline.py
_base_ = ['../_base_/stage_graphs/fada.py']
configs = dict(
    warmup='configs/fada/fada_r101_gta2cs-class-balanced-warmup.py',
    adaptation='configs/fada/fada_r101_gta2cs-class-balanced.py',
    distillation='configs/fada/fada_r101_gta2cs-class-balanced-distill.py')
