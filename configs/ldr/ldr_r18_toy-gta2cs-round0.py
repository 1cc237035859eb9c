# LDR on the built-in toy benchmark, CPU-sized, without pseudo labels
# (Eq. 6 minus the pseudo-label term): the toy source (untranslated, with
# labels) and the toy target train set translated to the source style by
# the toy target-to-source CycleGAN (configs/translators/cyclegan_toy-cs2gta
# .py + tools/translate.py into data/toy/cityscapes_gta5style; the pipeline
# config passes its folders), validated on the translated toy val set. M
# and D_1..3 start from their pre-training (ldr_recon-pretrain_toy-gta5.py),
# G from scratch; 1k iterations (configs/_base_/schedules/ldr_toy_1k.py).
_base_ = [
    '../_base_/models/ldr_deeplabv2_r18-toy.py',
    '../_base_/datasets/toy_gta2cs.py', '../_base_/schedules/ldr_toy_1k.py',
    '../_base_/default_runtime.py'
]
translated_root = 'data/toy/cityscapes_gta5style'
model = dict(reconstructor_checkpoint='work_dirs/'
             'ldr_recon-pretrain_toy-gta5/iter_2000.pth')
target_train_dataset = dict(data_root=translated_root)
train_dataloader = dict(
    dataset=dict(target=dict(data_root=translated_root)))
val_dataloader = dict(dataset=dict(data_root=translated_root))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(interval=1000))
