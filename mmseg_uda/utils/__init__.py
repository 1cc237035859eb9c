from .checkpoint import register_checkpoint_safe_globals
from .launch import enable_amp, init_cpu_distributed

__all__ = [
    'enable_amp', 'init_cpu_distributed', 'register_checkpoint_safe_globals'
]
