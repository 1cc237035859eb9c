"""Stop a run early when the model and the data disagree on classes."""
from typing import Iterable, List, Tuple

import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS


def _datasets(dataset) -> Iterable:
    """The dataset and the source/target datasets inside a UDA wrapper."""
    yield dataset
    for attr in ('source_dataset', 'target_dataset'):
        inner = getattr(dataset, attr, None)
        if inner is not None:
            yield inner


def _heads(model: nn.Module) -> List[Tuple[str, nn.Module]]:
    """Every decode/auxiliary head (with ``num_classes``) in ``model``."""
    if is_model_wrapper(model):
        model = model.module
    return [(name, module) for name, module in model.named_modules()
            if name.split('.')[-1] in ('decode_head', 'auxiliary_head')
            and hasattr(module, 'num_classes')]


@HOOKS.register_module()
class NumClassesCheckHook(Hook):
    """Check every head's ``num_classes`` against the datasets' classes.

    A config that trains 19 classes on a 13-class dataset (or the reverse)
    otherwise runs for hours and reports a meaningless mIoU. Binary heads
    (``num_classes == 2`` with ``out_channels == 1``) count as 2 classes.
    """

    def _check(self, runner, dataloader) -> None:
        if dataloader is None:
            return
        dataset = getattr(dataloader, 'dataset', None)
        if dataset is None:
            return
        heads = _heads(runner.model)
        for data in _datasets(dataset):
            classes = (data.metainfo or {}).get('classes')
            if not classes:
                continue
            for name, head in heads:
                if head.num_classes != len(classes):
                    raise ValueError(
                        f'The model\'s `{name}` predicts {head.num_classes} '
                        f'classes but {type(data).__name__} '
                        f'({getattr(data, "data_root", "")}) has '
                        f'{len(classes)}: {tuple(classes)}. Set '
                        f'`num_classes={len(classes)}` for every head (and '
                        'discriminator input) in the config.')

    def before_train(self, runner) -> None:
        self._check(runner, runner.train_dataloader)

    def before_val(self, runner) -> None:
        self._check(runner, runner.val_dataloader)

    def before_test(self, runner) -> None:
        self._check(runner, runner.test_dataloader)
