# LDR end to end on SYNTHIA -> Cityscapes, DeepLab-ResNet101 (13-class
# mIoU as the paper's Table 2, mIoU16 too), for tools/run_pipeline.py; as
# ldr_r101_gta2cs_pipeline.py with the SYNTHIA configs.
_base_ = ['../_base_/stage_graphs/ldr.py']
configs = dict(
    source_only='configs/source_only/deeplabv2_r101_synthia2cs.py',
    translator='configs/translators/cyclegan_cs2synthia.py',
    recon_pretrain='configs/ldr/ldr_recon-pretrain_synthia.py',
    labeller='configs/ldr/ldr_r101_synthia2cs-t2s-only-round0.py',
    ldr='configs/ldr/ldr_r101_synthia2cs.py',
    t2s_only='configs/ldr/ldr_r101_synthia2cs-t2s-only.py')
translate_args = dict(
    train=['--dataset', 'target_train_dataset', '--scale', '1024', '512'],
    val=['--dataset', 'target_val_dataset', '--scale', '1024', '512'])
