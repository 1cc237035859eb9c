import os

import pytest
from mmseg.datasets import CityscapesDataset
from mmseg.registry import DATASETS
from uda_fixtures import column_values, make_synthia


def test_synthia_loads_class_channel_of_16bit_labels(tmp_path):
    dataset = DATASETS.build(
        dict(
            type='SynthiaDataset',
            data_root=make_synthia(str(tmp_path / 'synthia')),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(
                    type='LoadUDAAnnotations',
                    label_mapping='synthia',
                    channel=2),
                dict(type='PackSegInputs')
            ]))
    assert len(dataset) == 2
    assert dataset.metainfo['classes'] == CityscapesDataset.METAINFO['classes']
    gt = dataset[0]['data_samples'].gt_sem_seg.data[0]
    # SYNTHIA ids 3, 4, 2, 8, 1, 0 (void), 20 (train: not in SYNTHIA's 16),
    # 40 (invalid); the other channels hold ids >= 300 that must not leak
    assert column_values(gt) == [0, 1, 2, 13, 10, 255, 255, 255]
    gt1 = dataset[1]['data_samples'].gt_sem_seg.data[0]
    assert column_values(gt1) == [255, 0, 1, 2, 13, 10, 255, 255]


def test_synthia_missing_label_folder(tmp_path):
    root = make_synthia(str(tmp_path / 'synthia'))
    os.rename(os.path.join(root, 'GT'), os.path.join(root, 'GT_'))
    with pytest.raises(
            FileNotFoundError,
            match='SYNTHIA labels not found at .*GT/LABELS.*'
            'SYNTHIA-RAND-CITYSCAPES'):
        DATASETS.build(dict(type='SynthiaDataset', data_root=root))
