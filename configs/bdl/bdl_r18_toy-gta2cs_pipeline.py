# BDL's whole loop (K = 2, N = 2) on the built-in toy benchmark, CPU-sized:
#   python tools/run_pipeline.py configs/bdl/bdl_r18_toy-gta2cs_pipeline.py \
#       --seed 0
# M^(0) is the toy source-only baseline (1k iterations from scratch); every
# later M fine-tunes its predecessor for 200 iterations (the toy models have
# no ImageNet start to restart from); toy translators of 1k iterations.
# Pseudo labels: the official code's per-class median thresholds capped at
# 0.9 (the paper's single 0.9 threshold keeps too few toy pixels and hurts
# self-training on the toy, see configs/self_training/README.md).
_base_ = ['../_base_/stage_graphs/bdl_k2_n2.py']
configs = dict(
    source_only='configs/source_only/deeplabv2_r18_toy-gta2cs.py',
    translator='configs/translators/cyclegan_toy-gta2cs-bdl-perceptual.py',
    adaptation='configs/bdl/bdl_r18_toy-gta2cs.py',
    self_supervised='configs/bdl/bdl_r18_toy-gta2cs-ssl.py')
translate_args = ['--scale', '128', '64']
pseudo_label_args = ['--policy', 'class-median', '--threshold', '0.9']
start_checkpoints = dict(
    m0_k1='${m0.checkpoint}',
    m1_k1='${m0_k1.checkpoint}',
    m2_k1='${m1_k1.checkpoint}',
    m0_k2='${m2_k1.checkpoint}',
    m1_k2='${m0_k2.checkpoint}',
    m2_k2='${m1_k2.checkpoint}')
toy_benchmark = 'data/toy'
