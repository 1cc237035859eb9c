# FADA's stages for fada_r101_cs2crosscity-rome:
#   python tools/run_pipeline.py \
#       configs/fada/fada_r101_cs2crosscity-rome_pipeline.py
_base_ = ['../_base_/stage_graphs/fada.py']
configs = dict(
    warmup='configs/fada/fada_r101_cs2crosscity-warmup.py',
    adaptation='configs/fada/fada_r101_cs2crosscity-rome.py',
    distillation='configs/fada/fada_r101_cs2crosscity-rome-distill.py')
