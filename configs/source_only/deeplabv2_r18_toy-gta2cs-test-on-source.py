# The toy source-only model evaluated on the toy *source* val set (100
# labelled game-style images), e.g. to measure how much semantics a
# translator keeps: point data_root at a translated copy of the source val
# set (tools/translate.py ... --dataset source_val_dataset), see
# configs/bdl/bdl_r18_toy-gta2cs-translator-semantics_pipeline.py.
_base_ = ['./deeplabv2_r18_toy-gta2cs.py']
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='GTA5Dataset',
        data_root={{_base_.source_root}},
        ann_file='val.txt',
        pipeline={{_base_.test_pipeline}}))
