# LDR end to end on the built-in toy benchmark (CPU), for
# tools/run_pipeline.py (stages: configs/_base_/stage_graphs/ldr.py):
#   python tools/run_pipeline.py configs/ldr/ldr_r18_toy-gta2cs_pipeline.py \
#       --seed 0
# The toy source-only model, the toy target-to-source CycleGAN, the toy
# target train and val sets translated at the models' 128x64, M pre-trained
# on the toy source, the labeller (BDL's Eq. 1 on the translated target, 1k
# iterations from scratch), class-median pseudo labels (the policy that
# improves on its labeller on the toy, configs/self_training/README.md),
# then LDR and its "T->S" ablation, both fine-tuning the labeller.
_base_ = ['../_base_/stage_graphs/ldr.py']
configs = dict(
    source_only='configs/source_only/deeplabv2_r18_toy-gta2cs.py',
    translator='configs/translators/cyclegan_toy-cs2gta.py',
    recon_pretrain='configs/ldr/ldr_recon-pretrain_toy-gta5.py',
    labeller='configs/ldr/ldr_r18_toy-gta2cs-t2s-only-round0.py',
    ldr='configs/ldr/ldr_r18_toy-gta2cs.py',
    t2s_only='configs/ldr/ldr_r18_toy-gta2cs-t2s-only.py')
target_root = 'data/toy/cityscapes'
translate_args = dict(
    train=['--dataset', 'target_train_dataset', '--scale', '128', '64'],
    val=['--dataset', 'target_val_dataset', '--scale', '128', '64'])
pseudo_label_args = ['--policy', 'class-median', '--threshold', '0.9']
start_checkpoints = dict(
    ldr='${labeller.checkpoint}', t2s_only='${labeller.checkpoint}')
toy_benchmark = 'data/toy'
