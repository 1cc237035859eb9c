# DAFormer without learning-rate warm-up: poly (power 1.0) from iteration 0.
_base_ = ['./daformer_mitb5_gta2cs.py']
param_scheduler = dict(segmentor=[
    dict(
        type='PolyLR',
        power=1.0,
        eta_min=0.,
        by_epoch=False,
        begin=0,
        end=40000)
])
