# LDR on the built-in toy benchmark with its pseudo labels "derived from
# [26]" read literally: BDL's final toy model M_2^(2) of the same seed
# (configs/bdl/bdl_r18_toy-gta2cs_pipeline.py) labels the untranslated toy
# target train set (pixel-aligned with its translation, so the labels serve
# X_{t->s}); LDR and its T->S ablation fine-tune that model (the toy has no
# ImageNet start), every other stage as ldr_r18_toy-gta2cs_pipeline.py.
# Reuse that pipeline's models of the same seed:
#   S=0; MAIN=work_dirs/ldr_r18_toy-gta2cs_pipeline/seed$S
#   BDL=work_dirs/bdl_r18_toy-gta2cs_pipeline/seed$S
#   python tools/run_pipeline.py \
#       configs/ldr/ldr_r18_toy-gta2cs-bdl-labels_pipeline.py --seed $S \
#       --given labeller=$BDL/m2_k2/iter_200.pth \
#       source_only=$MAIN/source_only/iter_1000.pth \
#       translator=$MAIN/translator/iter_1000.pth \
#       recon=$MAIN/recon/iter_2000.pth
_base_ = ['./ldr_r18_toy-gta2cs_pipeline.py']
labelled_target_root = '${target_root}'
