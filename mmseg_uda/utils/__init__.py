from .atomic_io import atomic_link_or_copy, atomic_write
from .checkpoint import register_checkpoint_safe_globals
from .launch import (REQUIRED_HOOKS, add_required_hooks, amp_config,
                     close_distributed, enable_amp, init_cpu_distributed,
                     optim_wrapper_cfgs)

__all__ = [
    'REQUIRED_HOOKS', 'add_required_hooks', 'amp_config',
    'atomic_link_or_copy', 'atomic_write', 'close_distributed', 'enable_amp',
    'init_cpu_distributed', 'optim_wrapper_cfgs',
    'register_checkpoint_safe_globals'
]
