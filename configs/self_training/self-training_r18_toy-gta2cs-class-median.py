# As self-training_r18_toy-gta2cs.py with the per-class thresholds of BDL's
# official SSL.py (median confidence of each class, capped at 0.9) instead
# of the paper's single threshold, written beforehand by
#   python tools/gen_pseudo_labels.py \
#       configs/source_only/deeplabv2_r18_toy-gta2cs.py \
#       work_dirs/toy_benchmark/deeplabv2_r18_toy-gta2cs/seed0/iter_1000.pth \
#       --out-dir data/toy/cityscapes/pseudo_labels/source-only-class-median \
#       --policy class-median
_base_ = './self-training_r18_toy-gta2cs.py'
train_dataloader = dict(
    dataset=dict(
        target=dict(
            data_prefix=dict(
                seg_map_path='pseudo_labels/source-only-class-median'))))
