# FADA's stages for fada_r101_cs2crosscity-taipei:
#   python tools/run_pipeline.py \
#       configs/fada/fada_r101_cs2crosscity-taipei_pipeline.py
_base_ = ['../_base_/stage_graphs/fada.py']
configs = dict(
    warmup='configs/fada/fada_r101_cs2crosscity-warmup.py',
    adaptation='configs/fada/fada_r101_cs2crosscity-taipei.py',
    distillation='configs/fada/fada_r101_cs2crosscity-taipei-distill.py')
