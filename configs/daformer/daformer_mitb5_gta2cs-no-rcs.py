# DAFormer without rare-class sampling: source images drawn uniformly.
_base_ = ['./daformer_mitb5_gta2cs.py']
train_dataloader = dict(
    sampler=dict(_delete_=True, type='InfiniteSampler', shuffle=True))
