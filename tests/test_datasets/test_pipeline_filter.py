"""mmseg_uda.datasets.transforms.pipeline_filter: one rule set."""
from mmseg.registry import TRANSFORMS

from mmseg_uda.datasets.transforms.pipeline_filter import (
    LABEL_LOADERS, filter_pipeline, find_label_loader, is_label_loader,
    is_random_augmentation, transform_name)

TRAIN = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadUDAAnnotations', label_mapping='cityscapes'),
    dict(type='RandomResize', scale=(128, 64), ratio_range=(0.5, 2.0)),
    dict(type='RandomCrop', crop_size=(32, 32)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='Resize', scale=(128, 64)),
    dict(type='mmseg.LoadSoftPseudoLabel'),
    dict(type='PackSegInputs'),
]


def names(pipeline):
    return [transform_name(t) for t in pipeline]


def test_each_rule_drops_its_transforms_only():
    assert names(filter_pipeline(TRAIN)) == names(TRAIN)
    assert names(filter_pipeline(TRAIN, augmentations=False)) == [
        'LoadImageFromFile', 'LoadUDAAnnotations', 'Resize',
        'LoadSoftPseudoLabel', 'PackSegInputs'
    ]
    assert names(filter_pipeline(TRAIN, labels=False)) == [
        'LoadImageFromFile', 'RandomResize', 'RandomCrop', 'RandomFlip',
        'PhotoMetricDistortion', 'Resize', 'PackSegInputs'
    ]
    inference = filter_pipeline(TRAIN, labels=False, augmentations=False)
    assert names(inference) == [
        'LoadImageFromFile', 'Resize', 'PackSegInputs'
    ]


def test_the_result_is_a_copy():
    kept = filter_pipeline(TRAIN, augmentations=False)
    kept[1]['label_mapping'] = 'changed'
    assert TRAIN[1]['label_mapping'] == 'cityscapes'


def test_names_of_configs_classes_and_built_transforms():
    loader = TRANSFORMS.build(dict(type='LoadAnnotations'))
    flip = TRANSFORMS.build(dict(type='RandomFlip', prob=0.5))
    assert transform_name(loader) == 'LoadAnnotations'
    assert transform_name(dict(type=type(flip))) == 'RandomFlip'
    assert is_label_loader(loader) and not is_label_loader(
        dict(type='LoadImageFromFile'))
    assert is_random_augmentation(flip)
    assert not is_random_augmentation(dict(type='Resize'))


def test_find_label_loader_takes_hard_label_loaders_only():
    assert set(LABEL_LOADERS) == {'LoadAnnotations', 'LoadUDAAnnotations'}
    assert find_label_loader(TRAIN) is TRAIN[1]
    soft_only = [
        dict(type='LoadImageFromFile'),
        dict(type='LoadSoftPseudoLabel')
    ]
    assert find_label_loader(soft_only) is None
    built = [TRANSFORMS.build(t) for t in TRAIN[:2]]
    assert find_label_loader(built) is built[1]
