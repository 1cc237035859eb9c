# CIRN end to end on GTA5 -> Cityscapes (configs/_base_/stage_graphs/cirn.py):
#   python tools/run_pipeline.py configs/cirn/cirn_r101_gta2cs_pipeline.py
# The CIR dataset is GTA5 translated at 1280x720, the scale the models see;
# class-median pseudo labels of the Cityscapes train set. Table 4's
# ablations are single configs of this folder (README.md).
_base_ = ['../_base_/stage_graphs/cirn.py']
configs = dict(
    source_only='configs/source_only/deeplabv2_r101_gta2cs.py',
    translator='configs/translators/cyclegan_gta2cs-cirn-semantic.py',
    adaptation='configs/cirn/cirn_r101_gta2cs.py',
    self_training='configs/cirn/cirn_r101_gta2cs-self-training.py')
translate_args = [
    '--dataset', 'source_train_dataset', '--scale', '1280', '720'
]
