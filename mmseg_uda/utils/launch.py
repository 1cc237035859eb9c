"""Runner set-up shared by ``tools/train.py`` and ``tools/test.py``."""
import os
from typing import Dict, List, Optional

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


#: Hooks every training run needs, by their ``default_hooks`` key: the
#: class-count check (a 13-class model on 19-class data stops before the
#: first iteration) and the random state in checkpoints (exact resume).
REQUIRED_HOOKS = dict(
    num_classes_check=dict(type='NumClassesCheckHook'),
    random_state=dict(type='RandomStateHook'))


def _hook_type(hook) -> str:
    hook_type = hook.get('type') if isinstance(hook, dict) else type(hook)
    return getattr(hook_type, '__name__', hook_type)


def add_required_hooks(cfg: Config) -> List[str]:
    """Make sure ``cfg`` registers every hook of :data:`REQUIRED_HOOKS`.

    ``configs/_base_/default_runtime.py`` lists them in ``default_hooks``,
    which a config's own ``custom_hooks`` cannot drop; this also covers
    configs that do not inherit it or replace ``default_hooks`` with
    ``_delete_=True``. A hook already in ``default_hooks`` or
    ``custom_hooks`` is left alone; a ``default_hooks`` key set to None
    (``--cfg-options default_hooks.random_state=None``) switches the hook
    off explicitly, and is honoured.

    Args:
        cfg (Config): The config, changed in place.

    Returns:
        list[str]: The ``default_hooks`` keys that were added.
    """
    default_hooks = cfg.get('default_hooks', None)
    if default_hooks is None:
        default_hooks = cfg.default_hooks = ConfigDict()
    present = {
        _hook_type(hook)
        for hook in list(default_hooks.values()) +
        list(cfg.get('custom_hooks', None) or []) if hook is not None
    }
    added = []
    for key, hook in REQUIRED_HOOKS.items():
        if key in default_hooks and default_hooks[key] is None:
            # an explicit opt-out; MMEngine only accepts None for its own
            # default keys, so the key is dropped
            default_hooks.pop(key)
            continue
        if hook['type'] in present or key in default_hooks:
            continue
        default_hooks[key] = ConfigDict(hook)
        added.append(key)
    return added


def close_distributed() -> None:
    """Wait for every rank, then tear the process group down.

    Leaving a gloo group to the interpreter's exit can abort a rank
    (``terminate called without an active exception``) while its peer
    still talks to it; tools call this as their last step.
    """
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


#: ``amp_dtype`` -> the loss scaling of the wrappers ``--amp`` switches:
#: float16 needs dynamic loss scaling (mmseg's ``--amp``); bfloat16 has
#: float32's exponent range and trains without it.
AMP_DTYPES = dict(float16='dynamic', bfloat16=dict(enabled=False))
#: Wrapper types ``--amp`` may switch (or leave, if already AMP).
_PLAIN_WRAPPER, _AMP_WRAPPER = 'OptimWrapper', 'AmpOptimWrapper'


def _wrapper_type(wrapper: dict) -> str:
    wrapper_type = wrapper.get('type', _PLAIN_WRAPPER)
    return getattr(wrapper_type, '__name__', wrapper_type)


def optim_wrapper_cfgs(cfg: Config) -> Dict[str, dict]:
    """Key -> every single-optimizer wrapper config of ``cfg``.

    ``{'optim_wrapper': cfg.optim_wrapper}``, or one entry per child
    (``'optim_wrapper.segmentor'``, ...) of a
    ``MultiOptimWrapperConstructor`` config; the values are the config's
    own dicts (edit them to change the config).
    """
    optim_wrapper = cfg.optim_wrapper
    if optim_wrapper.get('constructor') == 'MultiOptimWrapperConstructor':
        return {
            f'optim_wrapper.{name}': value
            for name, value in optim_wrapper.items() if isinstance(value, dict)
        }
    return {'optim_wrapper': optim_wrapper}


def amp_config(cfg: Config, dtype: Optional[str] = None) -> str:
    """Switch every optimizer wrapper of ``cfg`` to ``AmpOptimWrapper``.

    Handles a single wrapper and every child entry of a
    ``MultiOptimWrapperConstructor`` config, so each child (segmentor,
    discriminators, generators) gets its own ``AmpOptimWrapper`` with its
    own loss scaler. Entries that already are ``AmpOptimWrapper`` are left
    as they are; an entry's own ``dtype`` / ``loss_scale`` win over the
    defaults. Works on any device (it only edits the config).

    Args:
        cfg (Config): The config, changed in place.
        dtype (str, optional): ``'float16'`` (dynamic loss scaling, as
            mmseg's ``--amp``) or ``'bfloat16'`` (no loss scaling).
            Defaults to the config's top-level ``amp_dtype``, else float16.

    Returns:
        str: The autocast dtype of the switched wrappers.
    """
    dtype = dtype or cfg.get('amp_dtype', None) or 'float16'
    if dtype not in AMP_DTYPES:
        raise ValueError(
            f'amp_dtype={dtype!r} is not supported; set amp_dtype (config '
            f'or --cfg-options amp_dtype=...) to one of {list(AMP_DTYPES)}.')
    for key, wrapper in optim_wrapper_cfgs(cfg).items():
        wrapper_type = _wrapper_type(wrapper)
        if wrapper_type == _AMP_WRAPPER:
            continue
        if wrapper_type != _PLAIN_WRAPPER:
            raise ValueError(
                f'--amp switches {_PLAIN_WRAPPER} to {_AMP_WRAPPER}, but '
                f'{key}.type is {wrapper_type!r}; configure its mixed '
                'precision in the config instead of passing --amp.')
        wrapper['type'] = _AMP_WRAPPER
        wrapper.setdefault('dtype', dtype)
        child_dtype = str(wrapper['dtype']).replace('torch.', '')
        wrapper.setdefault('loss_scale',
                           AMP_DTYPES.get(child_dtype, 'dynamic'))
    return dtype


def enable_amp(cfg: Config, dtype: Optional[str] = None) -> Optional[str]:
    """:func:`amp_config` on a GPU; returns why AMP was not enabled.

    MMEngine's ``AmpOptimWrapper`` needs a CUDA (or NPU/MLU) device: on a
    CPU-only machine the config is left unchanged and the reason returned.
    A GPU without bfloat16 support stops with an error for
    ``amp_dtype='bfloat16'``.
    """
    if not torch.cuda.is_available():
        return 'AMP needs a CUDA device; training continues in fp32.'
    dtype = amp_config(cfg, dtype)
    if dtype == 'bfloat16' and not torch.cuda.is_bf16_supported():
        raise ValueError(
            f'amp_dtype=bfloat16 but {torch.cuda.get_device_name()} does '
            'not support bfloat16; use amp_dtype=float16.')
    return None
