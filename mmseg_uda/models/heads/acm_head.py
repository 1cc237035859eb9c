"""CIRN's classifier C and Ancillary Classifier Module (ACM) in one head.

Gao et al., "Addressing Domain Gap via Content Invariant Representation for
Semantic Segmentation", AAAI 2021, Sec. "Adaptive Semantic Segmentation".
"""
from typing import List, Sequence, Tuple

import torch.nn as nn
from mmseg.registry import MODELS
from torch import Tensor

from .deeplabv2_head import DeepLabV2Head

#: ``attention_layout`` values: where the K attention modules sit.
LAYOUTS = ('branch', 'parallel')
#: ``gating`` values: how an attention map scales the features.
GATINGS = ('residual', 'multiply')


def _sum_branches(branches: nn.ModuleList, x: Tensor) -> Tensor:
    """The DeepLabV2 classifier: the sum of its ASPP branches on ``x``."""
    out = branches[0](x)
    for branch in branches[1:]:
        out = out + branch(x)
    return out


class _PixelAttention(nn.Module):
    """One attention map in [0, 1] per pixel from the features.

    The two-layer attention model of Chen et al., "Attention to Scale",
    CVPR 2016: a 3x3 conv with ReLU, a 1x1 conv to one channel, a sigmoid.
    """

    def __init__(self, in_channels: int, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, channels, 3, padding=1)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(channels, 1, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.conv2(self.relu(self.conv1(x))).sigmoid()


@MODELS.register_module()
class ACMHead(DeepLabV2Head):
    """Classifier C plus the Ancillary Classifier Module, summed.

    C is the DeepLabV2 ASPP classifier (the parent class, ``aspp_branches``).
    The ACM is "K attention modules embedded in a classifier" whose
    classifier is a copy of C (same architecture, its own N(0, 0.01) init,
    ``acm_branches``). The paper gives no layer sizes (its Figure 3 is not
    in the text), so the layout is an option:

    - ``'branch'`` (default): attention module j gates the input of ASPP
      branch j of the ACM classifier for j < K (the smallest dilations
      first); the other branches see the plain features. K = 0..4 is then
      exactly the range of the paper's Table 3 (DeepLabV2 has four ASPP
      branches) and "the output of ACM is the sum of K modules" is the
      classifier's sum over its branches.
    - ``'parallel'``: K gated copies of the features all go through the one
      ACM classifier and the K outputs are summed (the output scale grows
      with K).

    With K = 0 both layouts are a plain second classifier, CLAN's (Luo et
    al., CVPR 2019), as the paper says ("ACM will degenerate to a normal
    classifier"). An attention module maps the features to a map ``a`` in
    [0, 1] (:class:`_PixelAttention`); ``gating='residual'`` feeds
    ``(1 + a) * f`` (Wang et al., "Residual Attention Network", CVPR 2017),
    ``'multiply'`` feeds ``a * f``.

    ``forward`` returns the sum ``p1 + p2`` of C's and the ACM's logits: the
    map the paper's Eq. 6 and 9 train and its evaluation uses, so stock
    mmseg ``predict``, TTA, ``tools/test.py``, pseudo labels and
    ``SelfTraining`` use it unchanged. :meth:`forward_branches` returns
    ``(p1, p2)``; ``SegmentorForward`` exposes them as ``branch_logits``.

    Args:
        num_attention (int): K, the number of attention modules. The paper
            uses 2. Default: 2.
        attention_layout (str): ``'branch'`` or ``'parallel'`` (see above).
            Default: 'branch'.
        attention_channels (int): Hidden channels of each attention module
            (Chen et al. 2016: 512). Default: 512.
        gating (str): ``'residual'`` or ``'multiply'``.
            Default: 'residual'.
        **kwargs: Passed to :class:`DeepLabV2Head` (``dilations``,
            ``in_channels``, ``num_classes``, ``loss_decode``, ...).
    """

    def __init__(self,
                 num_attention: int = 2,
                 attention_layout: str = 'branch',
                 attention_channels: int = 512,
                 gating: str = 'residual',
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if attention_layout not in LAYOUTS:
            raise ValueError(f'ACMHead: attention_layout must be one of '
                             f'{LAYOUTS}, got {attention_layout!r}.')
        if gating not in GATINGS:
            raise ValueError(f'ACMHead: gating must be one of {GATINGS}, '
                             f'got {gating!r}.')
        num_branches = len(self.aspp_branches)
        if num_attention < 0 or (attention_layout == 'branch'
                                 and num_attention > num_branches):
            raise ValueError(
                f'ACMHead: num_attention={num_attention} must be between 0 '
                f'and the {num_branches} ASPP branches with '
                "attention_layout='branch' (one module per branch); use "
                "attention_layout='parallel' for more.")
        self.num_attention = num_attention
        self.attention_layout = attention_layout
        self.gating = gating
        # the classifier in ACM: a copy of C's architecture, its own init
        self.acm_branches = nn.ModuleList(
            nn.Conv2d(
                self.in_channels,
                self.out_channels,
                kernel_size=3,
                padding=branch.dilation,
                dilation=branch.dilation) for branch in self.aspp_branches)
        self.attentions = nn.ModuleList(
            _PixelAttention(self.in_channels, attention_channels)
            for _ in range(num_attention))

    def _gate(self, x: Tensor, attention: nn.Module) -> Tensor:
        a = attention(x)
        return (1 + a) * x if self.gating == 'residual' else a * x

    def _acm(self, x: Tensor) -> Tensor:
        """Logits ``p2`` of the Ancillary Classifier Module."""
        if self.attention_layout == 'parallel' and self.num_attention:
            out = None
            for attention in self.attentions:
                gated = _sum_branches(self.acm_branches,
                                      self._gate(x, attention))
                out = gated if out is None else out + gated
            return out
        # 'branch' (and K = 0): module j gates the input of branch j
        out = None
        for j, branch in enumerate(self.acm_branches):
            feat = (
                self._gate(x, self.attentions[j])
                if j < self.num_attention else x)
            out = branch(feat) if out is None else out + branch(feat)
        return out

    def forward_branches(self, inputs: List[Tensor]) -> Tuple[Tensor, Tensor]:
        """``(p1, p2)``: the logits of C and of the ACM."""
        x = self._transform_inputs(inputs)
        if self.dropout is not None:
            x = self.dropout(x)
        return _sum_branches(self.aspp_branches, x), self._acm(x)

    def forward(self, inputs: List[Tensor]) -> Tensor:
        """``p1 + p2``, the prediction of the paper's Eq. 6 and 9."""
        return sum(self.forward_branches(inputs))

    def classifier_params(self) -> Tuple[Sequence[Tensor], Sequence[Tensor]]:
        """The weights and biases of C and of the ACM's classifier.

        The pair the weight-discrepancy loss compares (attention modules
        excluded), in the same order.
        """
        return (list(self.aspp_branches.parameters()),
                list(self.acm_branches.parameters()))
