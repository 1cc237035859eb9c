# The second built-in toy domain pair ('b'): cartoon-like "game" scenes of
# another palette (many pedestrians and trees, few cars) in GTA5's format ->
# a hazy, rolled, noisy, motion-blurred dash camera (many cars) in
# Cityscapes' format; the pipelines and sizes of toy_gta2cs.py. Generate it
# with:
#   python tools/dataset_converters/generate_toy_benchmark.py --pair b \
#       --out-dir data/toy-b
# (tools/run_toy_benchmark.py --pair b and tools/run_pipeline.py
# --toy-pair b generate it and move any toy config here by themselves).
_base_ = ['./toy_gta2cs.py']
source_root = 'data/toy-b/gta5'
target_root = 'data/toy-b/cityscapes'
source_train_dataset = dict(data_root=source_root)
source_val_dataset = dict(data_root=source_root)
target_train_dataset = dict(data_root=target_root)
target_val_dataset = dict(data_root=target_root)
train_dataloader = dict(
    dataset=dict(
        source=dict(data_root=source_root), target=dict(
            data_root=target_root)))
val_dataloader = dict(dataset=dict(data_root=target_root))
test_dataloader = val_dataloader
