# FADA's stages for fada_r101_cs2crosscity-tokyo:
#   python tools/run_pipeline.py \
#       configs/fada/fada_r101_cs2crosscity-tokyo_pipeline.py
_base_ = ['../_base_/stage_graphs/fada.py']
configs = dict(
    warmup='configs/fada/fada_r101_cs2crosscity-warmup.py',
    adaptation='configs/fada/fada_r101_cs2crosscity-tokyo.py',
    distillation='configs/fada/fada_r101_cs2crosscity-tokyo-distill.py')
