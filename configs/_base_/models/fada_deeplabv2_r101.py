# FADA around DeepLabV2-R101 (Wang et al., ECCV 2020): a fine-grained
# discriminator (3x3 convs 256 -> 128 -> 2K, LeakyReLU 0.2) on the 2048-d
# layer4 features, soft domain encodings (softmax(logits / 1.8), confidence
# clipping at 0.9), lambda_adv = 0.001. The official code resizes the
# discriminator's and the classifier's logits to the input size before the
# loss (loss_resolution='image'); its tempered source cross-entropy and
# halved discriminator terms are options (source_ce_temperature=1.8,
# disc_term_weight=0.5), the paper's choices are the defaults.
_base_ = ['./deeplabv2_r101.py']
model = dict(
    _delete_=True,
    type='FADA',
    segmentor={{_base_.model}},
    discriminator=dict(
        type='FineGrainedDiscriminator', in_channels=2048, num_classes=19),
    adv_weight=0.001,
    domain_encoding=dict(
        type='DomainEncodingLoss',
        label_type='soft',
        temperature=1.8,
        clip_threshold=0.9),
    feature_index=-1,
    loss_resolution='image',
    source_ce_temperature=None,
    disc_term_weight=1.0)
