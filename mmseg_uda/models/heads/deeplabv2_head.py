"""The DeepLabV2 ASPP classifier used by the UDA papers."""
from typing import List, Optional, Sequence

import torch.nn as nn
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class DeepLabV2Head(BaseDecodeHead):
    """ASPP classifier of DeepLabV2: the sum of parallel dilated 3x3 convs.

    Every branch maps the backbone feature straight to class scores and all
    branches are summed, as DeepLabV2 (and BDL's ``model/deeplab.py``, FADA's
    ``core/models/classifier.py``) do. There is no separate ``conv_seg``.

    ``summed_branches=(0, 1)`` reproduces the classifier of AdaptSegNet's
    ``model/deeplab_multi.py``, with which its released models were
    trained: its loop returns after the first addition, so only the
    dilation-6 and -12 branches are summed; the other two exist (and are
    in the files) but never change the output. Under DDP, branches left
    out get no gradient: train such a head with
    ``find_unused_parameters=True``.

    Args:
        dilations (Sequence[int]): Dilation rate of each branch.
            Default: (6, 12, 18, 24).
        summed_branches (Sequence[int], optional): Indices of the branches
            whose scores are summed. Default: None (all of them).
        **kwargs: Passed to :class:`BaseDecodeHead`; ``channels`` is not
            used (the branches output ``num_classes`` channels) and defaults
            to ``num_classes``, ``dropout_ratio`` defaults to 0.
    """

    def __init__(self,
                 dilations: Sequence[int] = (6, 12, 18, 24),
                 summed_branches: Optional[Sequence[int]] = None,
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
        if summed_branches is None:
            summed_branches = range(len(dilations))
        self.summed_branches = tuple(summed_branches)
        if not self.summed_branches or any(not 0 <= i < len(dilations)
                                           for i in self.summed_branches):
            raise ValueError(
                f'summed_branches must be indices of the {len(dilations)} '
                f'branches, got {summed_branches}.')

    def forward(self, inputs: List[Tensor]) -> Tensor:
        """Sum the class scores of the ASPP branches."""
        x = self._transform_inputs(inputs)
        if self.dropout is not None:
            x = self.dropout(x)
        first, *rest = self.summed_branches
        out = self.aspp_branches[first](x)
        for index in rest:
            out = out + self.aspp_branches[index](x)
        return out
