# Class-balanced source sampling of the official code (not in the paper),
# stage 2: fada_r101_gta2cs.py with ClassBalancedSampler on the source side
# (see fada_r101_gta2cs-class-balanced-warmup.py), started from the
# class-balanced warm-up.
_base_ = ['./fada_r101_gta2cs.py']
train_dataloader = dict(
    sampler=dict(
        _delete_=True,
        type='ClassBalancedSampler',
        cache_file='data/gta5/class_presence.json',
        nproc=8))
model = dict(segmentor_checkpoint='work_dirs/'
             'fada_r101_gta2cs-class-balanced-warmup/iter_20000.pth')
