"""Every method is built on the one training step, not beside it."""
import inspect

import pytest

import mmseg_uda.models.translators as translators
import mmseg_uda.models.uda as uda
from mmseg_uda.models.uda import BaseUDASegmentor
from mmseg_uda.models.utils import AdversarialTrainStep

METHODS = [
    cls for _, cls in inspect.getmembers(uda, inspect.isclass)
    if issubclass(cls, BaseUDASegmentor) and cls is not BaseUDASegmentor
]
TRAINED = METHODS + [
    translators.CycleGANTranslator, translators.LabelReconstructor
]


def levels_below(cls: type, base: type) -> int:
    """Length of the longest inheritance path from ``cls`` up to ``base``."""
    if cls is base:
        return 0
    return 1 + max(
        levels_below(parent, base)
        for parent in cls.__bases__ if issubclass(parent, base))


def test_the_methods_are_found():
    names = {cls.__name__ for cls in METHODS}
    assert {'AdaptSegNet', 'BDL', 'CIRN', 'FADA', 'LDR',
            'SelfTraining'} <= names


@pytest.mark.parametrize('cls', METHODS, ids=lambda c: c.__name__)
def test_at_most_two_levels_below_the_base(cls):
    assert levels_below(cls, BaseUDASegmentor) <= 2
    # one line of inheritance: no mixin beside the base
    assert len(cls.__bases__) == 1


@pytest.mark.parametrize('cls', TRAINED, ids=lambda c: c.__name__)
def test_no_model_writes_the_step_again(cls):
    assert issubclass(cls, AdversarialTrainStep)
    for klass in cls.__mro__:
        if klass in (AdversarialTrainStep,
                     BaseUDASegmentor) or not (issubclass(
                         klass, AdversarialTrainStep)):
            continue
        assert 'adversarial_train_step' not in vars(klass), klass
        if klass in METHODS:
            assert 'train_step' not in vars(klass), klass


def test_the_depth_measure_counts_levels():

    class Child(uda.AdaptSegNet):
        pass

    class GrandChild(Child):
        pass

    assert levels_below(uda.BDL, BaseUDASegmentor) == 2
    assert levels_below(GrandChild, BaseUDASegmentor) == 3
