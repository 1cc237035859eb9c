# FADA's stages for fada_r101_cs2crosscity-rio:
#   python tools/run_pipeline.py \
#       configs/fada/fada_r101_cs2crosscity-rio_pipeline.py
_base_ = ['../_base_/stage_graphs/fada.py']
configs = dict(
    warmup='configs/fada/fada_r101_cs2crosscity-warmup.py',
    adaptation='configs/fada/fada_r101_cs2crosscity-rio.py',
    distillation='configs/fada/fada_r101_cs2crosscity-rio-distill.py')
