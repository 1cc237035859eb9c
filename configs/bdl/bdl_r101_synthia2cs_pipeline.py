# BDL's whole loop (K = 2, N = 2) on SYNTHIA -> Cityscapes, DeepLabV2-R101
# (19 classes trained; mIoU16 / mIoU13 reported):
#   python tools/run_pipeline.py configs/bdl/bdl_r101_synthia2cs_pipeline.py
# As bdl_r101_gta2cs_pipeline.py with SYNTHIA (translated at 1024x608).
_base_ = ['../_base_/stage_graphs/bdl_k2_n2.py']
configs = dict(
    source_only='configs/source_only/deeplabv2_r101_synthia2cs.py',
    translator='configs/translators/cyclegan_synthia2cs-bdl-perceptual.py',
    adaptation='configs/bdl/bdl_r101_synthia2cs.py',
    self_supervised='configs/bdl/bdl_r101_synthia2cs-ssl.py')
translate_args = ['--scale', '1024', '608']
