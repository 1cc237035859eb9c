"""A set of discriminators, one per adapted level, called at once."""
from typing import Dict

import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from mmseg.utils import ConfigType
from torch import Tensor


@MODELS.register_module()
class MultiLevelDiscriminator(BaseModule):
    """Holds one discriminator per level and runs them in one forward.

    Keeping all levels in one module gives the UDA model a single
    ``discriminator`` child: one optimizer wrapper, and one DDP wrapper
    under ``MMSeparateDistributedDataParallel`` whose forward syncs the
    gradients of every level.

    Args:
        discriminators (dict[str, dict]): Level name (e.g. ``decode_head``,
            ``auxiliary_head`` or ``features``) to discriminator config.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 discriminators: Dict[str, ConfigType],
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not discriminators:
            raise ValueError('MultiLevelDiscriminator needs at least one '
                             'level in `discriminators`.')
        self.levels = nn.ModuleDict({
            name: MODELS.build(cfg)
            for name, cfg in discriminators.items()
        })

    def forward(self, inputs: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """Run each level's discriminator on the input of the same name."""
        missing = set(self.levels) - set(inputs)
        if missing:
            raise KeyError(f'No discriminator input for levels {missing}; '
                           f'got {sorted(inputs)}.')
        return {name: disc(inputs[name]) for name, disc in self.levels.items()}
