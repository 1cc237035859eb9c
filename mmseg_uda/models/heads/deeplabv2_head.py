"""The DeepLabV2 ASPP classifier used by the UDA papers."""
from typing import List, Sequence

import torch.nn as nn
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class DeepLabV2Head(BaseDecodeHead):
    """ASPP classifier of DeepLabV2: the sum of parallel dilated 3x3 convs.

    Every branch maps the backbone feature straight to class scores and all
    branches are summed (the AdaptSegNet release returns inside its loop and
    sums only two of the four; this head sums all of them, as DeepLabV2
    does). There is no separate ``conv_seg``.

    Args:
        dilations (Sequence[int]): Dilation rate of each branch.
            Default: (6, 12, 18, 24).
        **kwargs: Passed to :class:`BaseDecodeHead`; ``channels`` is not
            used (the branches output ``num_classes`` channels) and defaults
            to ``num_classes``, ``dropout_ratio`` defaults to 0.
    """

    def __init__(self,
                 dilations: Sequence[int] = (6, 12, 18, 24),
                 init_cfg=dict(type='Normal', std=0.01, layer='Conv2d'),
                 **kwargs) -> None:
        kwargs.setdefault('channels', kwargs.get('num_classes'))
        kwargs.setdefault('dropout_ratio', 0.)
        super().__init__(init_cfg=init_cfg, **kwargs)
        del self.conv_seg  # the ASPP branches are the classifier
        self.aspp_branches = nn.ModuleList(
            nn.Conv2d(
                self.in_channels,
                self.out_channels,
                kernel_size=3,
                padding=dilation,
                dilation=dilation,
                bias=True) for dilation in dilations)

    def forward(self, inputs: List[Tensor]) -> Tensor:
        """Sum the class scores of all ASPP branches."""
        x = self._transform_inputs(inputs)
        if self.dropout is not None:
            x = self.dropout(x)
        out = self.aspp_branches[0](x)
        for branch in self.aspp_branches[1:]:
            out = out + branch(x)
        return out
