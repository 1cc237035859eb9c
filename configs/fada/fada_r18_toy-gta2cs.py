# Toy stage 2, fine-grained adversarial adaptation of the warm-up on the
# built-in toy benchmark (CPU-sized): the toy DeepLabV2's layer4 features are
# 128-d; soft domain encodings (T = 1.8, clipping at 0.9), lambda_adv 0.001.
# The toy pipelines have random flips on both domains and, unlike the R101
# configs, no colour jitter, so that the comparison with the source-only
# warm-up isolates the adaptation.
_base_ = [
    '../_base_/models/deeplabv2_r18-toy.py',
    '../_base_/datasets/toy_gta2cs.py', '../_base_/schedules/fada_toy_1k.py',
    '../_base_/default_runtime.py'
]
model = dict(
    _delete_=True,
    type='FADA',
    segmentor={{_base_.model}},
    discriminator=dict(
        type='FineGrainedDiscriminator', in_channels=128, num_classes=19),
    adv_weight=0.001,
    domain_encoding=dict(
        type='DomainEncodingLoss',
        label_type='soft',
        temperature=1.8,
        clip_threshold=0.9),
    feature_index=-1,
    loss_resolution='image',
    segmentor_checkpoint='work_dirs/fada_r18_toy-gta2cs-warmup/iter_1000.pth')
