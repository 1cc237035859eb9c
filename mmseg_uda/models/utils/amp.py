"""Mixed precision: compute losses in float32 inside autocast regions.

Under ``AmpOptimWrapper`` the forward passes run in ``torch.autocast``:
convolutions produce float16 (or bfloat16) maps, and ops outside autocast's
float32 lists keep that precision. On CUDA, ``softmax`` / ``log_softmax``
are on that list, but ``resize`` (``interpolate``), divisions by a
temperature, sums and products of probabilities are not; on CPU even
``softmax``, ``log_softmax``, ``group_norm`` and ``instance_norm`` run in
bfloat16. A loss built from such pieces (FADA's soft domain encodings,
soft cross-entropies, BDL's instance-normalised perceptual distance) would
then be computed with 8 (bf16) or 11 (fp16) bits of mantissa.

:func:`float32_loss` is the one mechanism the plugin uses against this:
decorate a loss's ``forward`` (or any function that turns network outputs
into a loss) and it runs in float32 with autocast switched off, on
float32 copies of its floating-point tensor arguments; gradients flow back
to the low-precision inputs as usual. New losses and methods (BDL, CIRN,
LDR, ...) get the behaviour by reusing the decorated losses and
:meth:`SegmentorForward.loss_by_logits`, or by decorating their own loss
functions. Nested calls are cheap: casting a float32 tensor is a no-op.
"""
import functools
from contextlib import ExitStack, contextmanager
from typing import Any, Callable, Iterator, TypeVar

import torch

#: Device types whose autocast state :func:`autocast_disabled` switches off.
AUTOCAST_DEVICES = ('cuda', 'cpu')

F = TypeVar('F', bound=Callable[..., Any])


def is_autocast_enabled(device_type: str) -> bool:
    """Whether autocast is on for ``device_type`` (any torch >= 1.10)."""
    try:
        return torch.is_autocast_enabled(device_type)
    except TypeError:  # torch < 2.4 takes no argument
        if device_type == 'cpu':
            return torch.is_autocast_cpu_enabled()
        return torch.is_autocast_enabled()


@contextmanager
def autocast_disabled() -> Iterator[None]:
    """Switch autocast off on every device where it is on."""
    with ExitStack() as stack:
        for device_type in AUTOCAST_DEVICES:
            if is_autocast_enabled(device_type):
                stack.enter_context(
                    torch.autocast(device_type=device_type, enabled=False))
        yield


def to_float32(value: Any) -> Any:
    """Cast floating-point tensors, also inside dicts, lists and tuples.

    Integer tensors (labels, masks) and other objects are returned as they
    are; a float32 tensor is returned itself (no copy).
    """
    if isinstance(value, torch.Tensor):
        return value.float() if value.is_floating_point() else value
    if isinstance(value, dict):
        return type(value)((k, to_float32(v)) for k, v in value.items())
    if type(value) in (list, tuple):
        return type(value)(to_float32(v) for v in value)
    return value


def float32_loss(func: F) -> F:
    """Decorator: run ``func`` in float32 with autocast switched off.

    Example::

        class MyLoss(nn.Module):

            @float32_loss
            def forward(self, logits, labels):
                return F.cross_entropy(logits / self.temperature, labels)

    Args:
        func (callable): A function or method whose floating-point tensor
            arguments (positional or keyword, possibly in dicts, lists and
            tuples) are cast to float32 before the call.

    Returns:
        callable: The wrapped function.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with autocast_disabled():
            return func(*to_float32(args), **to_float32(kwargs))

    return wrapper
