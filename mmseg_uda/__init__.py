"""mmseg_uda: unsupervised domain adaptation for MMSegmentation 1.x.

Importing the package registers every dataset, transform, model, hook and
metric into the MMSegmentation registries.
"""
from .utils import register_checkpoint_safe_globals
from .version import __version__

register_checkpoint_safe_globals()

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
