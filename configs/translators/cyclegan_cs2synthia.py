# LDR's target-to-source CycleGAN for SYNTHIA -> Cityscapes: Cityscapes
# images made SYNTHIA-like, with the settings of cyclegan_cs2gta.py (LDR
# Sec. 4.3: batch 1, Adam 1e-4, betas (0.5, 0.999), weight decay 1e-4, lr
# halved every 100k iterations, 1000k iterations) on SYNTHIA-RAND-CITYSCAPES
# as the source domain (the 452x452 crops of the images resized to a long
# side of 1024, as cyclegan_synthia2cs.py).
_base_ = ['./cyclegan_cs2gta.py']
source_train_dataset = dict(
    _delete_=True,
    type='SynthiaDataset',
    data_root='data/synthia',
    pipeline={{_base_.source_pipeline}})
train_dataloader = dict(dataset=dict(source=source_train_dataset))
