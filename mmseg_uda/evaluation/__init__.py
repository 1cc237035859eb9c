from .class_center_distance import ClassCenterDistance
from .metrics import *  # noqa: F401,F403

__all__ = ['ClassCenterDistance']
