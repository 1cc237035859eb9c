"""One optimizer wrapper per child module (segmentor, discriminator, ...)."""
import copy
from typing import Dict

import torch.nn as nn
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict
from mmseg.registry import OPTIM_WRAPPER_CONSTRUCTORS


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class MultiOptimWrapperConstructor:
    """Build an :class:`OptimWrapperDict` keyed by child-module names.

    Example::

        optim_wrapper = dict(
            constructor='MultiOptimWrapperConstructor',
            segmentor=dict(type='OptimWrapper',
                           optimizer=dict(type='SGD', lr=2.5e-4),
                           paramwise_cfg=dict(custom_keys=...)),
            discriminator=dict(type='OptimWrapper',
                               optimizer=dict(type='Adam', lr=1e-4)))

    Each entry is an ordinary single-optimizer config (it may name its own
    ``constructor`` and ``paramwise_cfg``) applied to the child of the same
    name. Every child with trainable parameters must have an entry, so no
    parameter is silently left out of training.

    Args:
        optim_wrapper_cfg (dict): Child name -> optimizer wrapper config.
        paramwise_cfg (dict, optional): Not supported at the top level; put
            it inside the entry it belongs to.
    """

    def __init__(self,
                 optim_wrapper_cfg: Dict[str, dict],
                 paramwise_cfg: dict = None) -> None:
        if paramwise_cfg is not None:
            raise ValueError(
                'MultiOptimWrapperConstructor takes `paramwise_cfg` inside '
                'each entry (e.g. optim_wrapper.segmentor.paramwise_cfg), '
                'not at the top level.')
        for name, cfg in optim_wrapper_cfg.items():
            if not isinstance(cfg, dict):
                raise TypeError(f'optim_wrapper.{name} must be a dict, got '
                                f'{type(cfg).__name__}.')
        self.optim_wrapper_cfg = optim_wrapper_cfg

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        if is_model_wrapper(model):
            model = model.module
        children = dict(model.named_children())
        missing = [
            name for name, child in children.items()
            if name not in self.optim_wrapper_cfg and any(
                p.requires_grad for p in child.parameters())
        ]
        if missing:
            raise KeyError(
                f'{type(model).__name__} children {missing} have trainable '
                'parameters but no entry in `optim_wrapper`; add one per '
                f'child (entries now: {sorted(self.optim_wrapper_cfg)}).')
        wrappers = {}
        for name, cfg in self.optim_wrapper_cfg.items():
            if name not in children:
                raise KeyError(
                    f'optim_wrapper.{name} names no child of '
                    f'{type(model).__name__}; children: {sorted(children)}.')
            cfg = copy.deepcopy(cfg)
            constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
                dict(
                    type=cfg.pop('constructor',
                                 'DefaultOptimWrapperConstructor'),
                    optim_wrapper_cfg=cfg,
                    paramwise_cfg=cfg.pop('paramwise_cfg', None)))
            wrappers[name] = constructor(children[name])
        return OptimWrapperDict(**wrappers)
