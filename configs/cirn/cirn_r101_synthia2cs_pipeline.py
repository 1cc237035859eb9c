# CIRN end to end on SYNTHIA -> Cityscapes
# (configs/_base_/stage_graphs/cirn.py):
#   python tools/run_pipeline.py \
#       configs/cirn/cirn_r101_synthia2cs_pipeline.py
# The CIR dataset is SYNTHIA translated at 1280x760; 19 classes trained, the
# tests report mIoU16 and mIoU13 (the paper's mIoU and mIoU*).
_base_ = ['../_base_/stage_graphs/cirn.py']
configs = dict(
    source_only='configs/source_only/deeplabv2_r101_synthia2cs.py',
    translator='configs/translators/cyclegan_synthia2cs-cirn-semantic.py',
    adaptation='configs/cirn/cirn_r101_synthia2cs.py',
    self_training='configs/cirn/cirn_r101_synthia2cs-self-training.py')
translate_args = [
    '--dataset', 'source_train_dataset', '--scale', '1280', '760'
]
