from .atomic_io import atomic_link_or_copy, atomic_write
from .checkpoint import register_checkpoint_safe_globals
from .launch import enable_amp, init_cpu_distributed

__all__ = [
    'atomic_link_or_copy', 'atomic_write', 'enable_amp',
    'init_cpu_distributed', 'register_checkpoint_safe_globals'
]
