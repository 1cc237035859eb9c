# LDR end to end on GTA5 -> Cityscapes, DeepLab-ResNet101, for
# tools/run_pipeline.py (stages: configs/_base_/stage_graphs/ldr.py):
#   python tools/run_pipeline.py configs/ldr/ldr_r101_gta2cs_pipeline.py
# Cityscapes train and val translated at the 1024x512 the models see; BDL's
# max-probability 0.9 pseudo labels (its code: --policy class-median, set
# pseudo_label_args); every G starts from ImageNet.
_base_ = ['../_base_/stage_graphs/ldr.py']
configs = dict(
    source_only='configs/source_only/deeplabv2_r101_gta2cs.py',
    translator='configs/translators/cyclegan_cs2gta.py',
    recon_pretrain='configs/ldr/ldr_recon-pretrain_gta5.py',
    labeller='configs/ldr/ldr_r101_gta2cs-t2s-only-round0.py',
    ldr='configs/ldr/ldr_r101_gta2cs.py',
    t2s_only='configs/ldr/ldr_r101_gta2cs-t2s-only.py')
translate_args = dict(
    train=['--dataset', 'target_train_dataset', '--scale', '1024', '512'],
    val=['--dataset', 'target_val_dataset', '--scale', '1024', '512'])
