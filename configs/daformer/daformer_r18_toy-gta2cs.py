# DAFormer's training strategy on the built-in toy benchmark, CPU-sized: the
# toy DeepLabV2 (the segmentor of the toy source-only and DACS configs) as
# student and EMA teacher, DACS' self-training plus
# - rare-class sampling, T 0.01, min_pixels 50: the paper's 3000 pixels of a
#   1914x1052 GTA5 label scaled to the toy's 256x128 labels;
# - learning-rate warm-up (_base_/schedules/daformer_toy_warmup_1k.py).
# Left out on the toy, see README: the ImageNet feature distance (the toy
# segmentor has no ImageNet encoder to keep close to), the EMA factor 0.999
# (over 1k iterations it would average the whole run; the toy keeps DACS'
# 0.99), the source crops (the toy trains on whole images) and the
# pseudo-label margins (the toy cameras have no ego car).
_base_ = [
    '../_base_/models/deeplabv2_r18-toy.py',
    '../_base_/datasets/toy_gta2cs.py',
    '../_base_/schedules/daformer_toy_warmup_1k.py',
    '../_base_/default_runtime.py'
]
train_dataloader = dict(
    sampler=dict(
        _delete_=True,
        type='RareClassSampler',
        temperature=0.01,
        min_pixels=50,
        cache_file='rcs_class_stats.json'))
model = dict(
    _delete_=True,
    type='DACS',
    segmentor={{_base_.model}},
    teacher=dict(type='EMATeacher', alpha=0.99),
    pseudo_labeler=dict(type='QualityPseudoLabeler', threshold=0.968),
    color_jitter=dict(strength=0.2, prob=0.8),
    blur=dict(prob=0.5, sigma_range=(0.15, 1.15)))
