"""Let ``torch.load(weights_only=True)`` read MMEngine checkpoints."""
import pickle
from typing import Any, List, Tuple

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

try:  # numpy >= 2
    from numpy._core import multiarray as _multiarray
except ImportError:  # numpy 1.x
    from numpy.core import multiarray as _multiarray

#: Statistics methods that ``HistoryBuffer`` pickles by reference.
_HISTORY_BUFFER_METHODS = ('min', 'max', 'current', 'mean')


def history_buffer_getattr(obj: Any, name: str) -> Any:
    """The one ``getattr`` an MMEngine checkpoint needs, and nothing more.

    ``HistoryBuffer`` stores its statistics functions
    (``HistoryBuffer.min`` ...), which pickle as
    ``getattr(HistoryBuffer, 'min')``. A general ``getattr`` in the
    unpickler's allow-list would let a crafted file reach any attribute (and
    from there arbitrary code), so only these lookups are answered.
    """
    allowed = set(_HISTORY_BUFFER_METHODS) | set(
        HistoryBuffer._statistics_methods)
    if obj is HistoryBuffer and name in allowed:
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'Refusing getattr({obj!r}, {name!r}) while loading a checkpoint '
        'with weights_only=True: only HistoryBuffer statistics methods are '
        'allowed.')


def checkpoint_safe_globals() -> List[Tuple[Any, str]]:
    """The non-tensor globals of an MMEngine checkpoint, by pickled name.

    Numpy arrays and scalars of the message hub are written as
    ``numpy._core.multiarray`` objects by numpy 2 and as
    ``numpy.core.multiarray`` by numpy 1; both names are accepted, as are
    the dtypes of the logged numbers (numpy 2 rebuilds a dtype from its
    class).
    """
    safe = [(HistoryBuffer, 'mmengine.logging.history_buffer.HistoryBuffer'),
            (history_buffer_getattr, 'builtins.getattr'),
            (np.ndarray, 'numpy.ndarray'), (np.dtype, 'numpy.dtype')]
    for module in ('numpy._core.multiarray', 'numpy.core.multiarray'):
        safe += [(_multiarray._reconstruct, f'{module}._reconstruct'),
                 (_multiarray.scalar, f'{module}.scalar')]
    for name in ('float64', 'float32', 'int64', 'int32'):
        dtype_class = type(np.dtype(name))
        safe.append((dtype_class,
                     f'{dtype_class.__module__}.{dtype_class.__qualname__}'))
    return safe


def register_checkpoint_safe_globals() -> None:
    """Allow-list exactly the non-tensor objects of an MMEngine checkpoint.

    Since torch 2.6 ``torch.load`` defaults to ``weights_only=True``, which
    refuses the ``HistoryBuffer`` objects and numpy scalars that MMEngine's
    ``MessageHub`` stores, so ``--resume`` fails. Instead of loading with
    ``weights_only=False`` (arbitrary code execution from untrusted files)
    these objects are added to torch's safe globals.
    """
    add_safe_globals = getattr(torch.serialization, 'add_safe_globals', None)
    if add_safe_globals is None:  # torch < 2.4 does not restrict loading
        return
    add_safe_globals(checkpoint_safe_globals())
