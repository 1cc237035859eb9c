# Class-balanced source sampling of the official code (not in the paper),
# stage 1: the warm-up of fada_r101_gta2cs-warmup.py with ClassBalancedSampler
# (each draw picks a class with weight 1 / log(1.01 + its share among the
# classes drawn so far), then an image containing it). The classes of the
# GTA5 label maps are read once and cached in data/gta5/class_presence.json.
_base_ = ['./fada_r101_gta2cs-warmup.py']
train_dataloader = dict(
    sampler=dict(
        _delete_=True,
        type='ClassBalancedSampler',
        cache_file='data/gta5/class_presence.json',
        nproc=8))
