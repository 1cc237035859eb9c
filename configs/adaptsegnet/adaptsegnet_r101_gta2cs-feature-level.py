# The paper's feature-level ablation (Table 1 "Ours (feature)"): one
# discriminator on the 2048-d conv5 features instead of the softmax.
_base_ = ['./adaptsegnet_r101_gta2cs-multi-level.py']
model = dict(
    segmentor=dict(auxiliary_head=None),
    discriminator=dict(
        discriminators=dict(
            _delete_=True,
            features=dict(type='FCDiscriminator', in_channels=2048))),
    adv_weights=dict(_delete_=True, features=0.001))
