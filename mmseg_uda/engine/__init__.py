from .hooks import *  # noqa: F401,F403
from .optimizers import *  # noqa: F401,F403
from .pseudo_labels import *  # noqa: F401,F403

__all__ = []
