"""Run the convolutions of a model in the channels-last memory format."""
import torch
import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS


def to_channels_last(model: nn.Module) -> nn.Module:
    """Store every 4-d parameter and buffer of ``model`` channels-last.

    Parameters keep their identity (``Module.to`` swaps their data), so
    optimizers built before the call stay valid. A convolution whose
    weight is channels-last returns a channels-last output, so the inputs
    need no conversion and the layout propagates through the network.
    Modules kept outside the module tree follow as far as their owner's
    ``_apply`` forwards them (``CycleGANTranslator``'s frozen segmentor
    does).

    Returns:
        nn.Module: ``model``, converted in place.
    """
    if is_model_wrapper(model):
        model = model.module
    return model.to(memory_format=torch.channels_last)


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Convert the model to channels-last before training or testing.

    On GPUs with tensor cores, cuDNN runs float16/bfloat16 convolutions
    fastest in NHWC; elsewhere the layout can be slower (measured numbers
    in the README). Disabled by default: ``configs/_base_/
    default_runtime.py`` registers it as ``default_hooks.channels_last``
    with ``enabled=False``; switch it on with ``--cfg-options
    default_hooks.channels_last.enabled=True``.

    With DDP, MMEngine wraps the model before any hook runs, so the
    gradient buckets are first laid out for the old strides: PyTorch warns
    once ("Grad strides do not match bucket view strides") and rebuilds
    its buckets for the new layout after the first iteration.

    Args:
        enabled (bool): Convert the model. Default: True.
    """

    priority = 'VERY_HIGH'

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled

    def before_run(self, runner) -> None:
        if self.enabled:
            to_channels_last(runner.model)
