# Online self-training on the toy benchmark: the segmentor starts from the
# toy source-only model, PseudoLabelHook labels the target set with it
# before the first iteration (round 0, MPT 0.9) and relabels it with the
# model being trained every 250 iterations. The labels of round k are kept
# in <work_dir>/pseudo_labels/iter_k; the training reads the current round
# from data/toy/cityscapes/pseudo_labels/online (one run at a time: give
# parallel runs their own folder with --cfg-options
# train_dataloader.dataset.target.data_prefix.seg_map_path=...).
_base_ = './self-training_r18_toy-gta2cs.py'
train_dataloader = dict(
    dataset=dict(
        target=dict(data_prefix=dict(seg_map_path='pseudo_labels/online'))))
model = dict(segmentor_checkpoint='work_dirs/toy_benchmark/'
             'deeplabv2_r18_toy-gta2cs/seed0/iter_1000.pth')
custom_hooks = [
    dict(
        type='PseudoLabelHook',
        policy=dict(type='MaxProbThreshold', threshold=0.9),
        interval=250,
        before_train=True),
    dict(type='UDAVisualizationHook', interval=250)
]
