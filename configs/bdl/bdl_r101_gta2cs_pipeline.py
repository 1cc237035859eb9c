# BDL's whole loop (K = 2, N = 2) on GTA5 -> Cityscapes, DeepLabV2-R101:
#   python tools/run_pipeline.py configs/bdl/bdl_r101_gta2cs_pipeline.py \
#       --gpus 1
# M^(0) = configs/source_only/deeplabv2_r101_gta2cs.py; every M restarts
# from the ImageNet backbone (official code); the translators start fresh;
# MPT 0.9 pseudo labels (paper; official code: --policy class-median, set
# pseudo_label_args); translation at the long side 1024 the models see.
_base_ = ['../_base_/stage_graphs/bdl_k2_n2.py']
configs = dict(
    source_only='configs/source_only/deeplabv2_r101_gta2cs.py',
    translator='configs/translators/cyclegan_gta2cs-bdl-perceptual.py',
    adaptation='configs/bdl/bdl_r101_gta2cs.py',
    self_supervised='configs/bdl/bdl_r101_gta2cs-ssl.py')
translate_args = ['--scale', '1024', '563']
