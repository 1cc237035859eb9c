"""Runner set-up shared by ``tools/train.py`` and ``tools/test.py``."""
import os
from typing import Optional

import torch
import torch.distributed as dist
from mmengine.config import Config, ConfigDict
from mmengine.logging import print_log


def init_cpu_distributed(cfg: Config, launcher: str) -> None:
    """Make MMEngine's ``pytorch`` launcher work without a GPU.

    MMEngine's launcher calls ``torch.cuda.set_device`` and gives DDP
    ``device_ids=[LOCAL_RANK]``; both fail on a CPU-only build. When no GPU
    is available we initialise a gloo process group ourselves (MMEngine then
    skips its own initialisation) and let DDP use the module's device.
    On GPU machines this is a no-op.
    """
    if launcher == 'none' or torch.cuda.is_available():
        return
    if launcher != 'pytorch':
        raise NotImplementedError(
            f'CPU distributed training supports --launcher pytorch only, '
            f'got {launcher!r}.')
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    wrapper_cfg = cfg.get('model_wrapper_cfg') or ConfigDict(
        type='MMDistributedDataParallel')
    wrapper_cfg['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper_cfg
    print_log(
        f'No GPU: rank {os.environ.get("RANK")} uses the gloo backend and '
        'DDP on CPU.',
        logger='current')


def enable_amp(cfg: Config) -> Optional[str]:
    """Switch every optimizer wrapper of ``cfg`` to ``AmpOptimWrapper``.

    Handles both a single wrapper and the ``MultiOptimWrapperConstructor``
    dicts of the UDA methods. Returns a reason when AMP was not enabled.
    """
    if not torch.cuda.is_available():
        return 'AMP needs a CUDA device; training continues in fp32.'
    optim_wrapper = cfg.optim_wrapper
    if optim_wrapper.get('constructor') == 'MultiOptimWrapperConstructor':
        wrappers = [
            value for value in optim_wrapper.values()
            if isinstance(value, dict)
        ]
    else:
        wrappers = [optim_wrapper]
    for wrapper in wrappers:
        if wrapper.get('type', 'OptimWrapper') != 'AmpOptimWrapper':
            wrapper['type'] = 'AmpOptimWrapper'
            wrapper.setdefault('loss_scale', 'dynamic')
    return None
