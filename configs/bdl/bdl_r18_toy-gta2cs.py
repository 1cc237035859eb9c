# BDL's M_0^(k) (Eq. 1) on the built-in toy benchmark, CPU-sized: the toy
# DeepLabV2-R18 on the toy source translated by the round's toy CycleGAN
# (data/toy/gta5_cs; the pipeline config passes each round's folder) +
# output-space adversarial loss (lambda_adv 0.001) on the toy target, with
# a discriminator at a quarter of the paper's widths. Started from the
# previous M (model.segmentor_checkpoint, set by the pipeline), 200
# iterations (configs/_base_/schedules/bdl_toy.py).
_base_ = [
    '../_base_/models/deeplabv2_r18-toy.py',
    '../_base_/datasets/toy_gta2cs.py', '../_base_/schedules/bdl_toy.py',
    '../_base_/default_runtime.py'
]
model = dict(
    _delete_=True,
    type='BDL',
    segmentor={{_base_.model}},
    discriminator=dict(
        type='MultiLevelDiscriminator',
        discriminators=dict(
            decode_head=dict(
                type='FCDiscriminator',
                in_channels=19,
                channels=(16, 32, 64, 128),
                upsample_output=False))),
    adv_weights=dict(decode_head=0.001),
    gan_loss=dict(type='GANLoss', gan_type='vanilla'),
    target_loss=dict(
        type='PseudoLabelLoss',
        loss_weight=1.0,
        average_over='all',
        allow_unlabelled=True))
train_dataloader = dict(
    dataset=dict(source=dict(data_root='data/toy/gta5_cs')))
default_hooks = dict(checkpoint=dict(interval=100))
