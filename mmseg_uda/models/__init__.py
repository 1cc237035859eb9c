from .backbones import *  # noqa: F401,F403
from .discriminators import *  # noqa: F401,F403
from .heads import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .segmentors import *  # noqa: F401,F403
from .translators import *  # noqa: F401,F403
from .uda import *  # noqa: F401,F403
from .utils import *  # noqa: F401,F403
