"""HRDA's multi-resolution decode head with a learned scale attention."""
from copy import deepcopy
from dataclasses import dataclass
from fractions import Fraction
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.losses import accuracy
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import OptConfigType, SampleList
from torch import Tensor

from ..utils.hrda_crops import (Box, bounding_box, crop, paste_average,
                                scale_box)

#: Arguments of a decode head config that the wrapper keeps for itself
#: (losses, sampler, class count, resizing); all go to the wrapped heads too.
_WRAPPER_ARGS = ('in_channels', 'channels', 'num_classes', 'out_channels',
                 'threshold', 'in_index', 'input_transform', 'loss_decode',
                 'ignore_index', 'sampler', 'align_corners')

#: A scale attention: a map in [0, 1] or one fixed value.
Attention = Union[Tensor, float]


@dataclass
class HRDAFeatures:
    """Backbone (and neck) features of one HRDA pass.

    Attributes:
        context (Sequence[Tensor]): Feature levels of the context image
            (the input resized by ``context_scale``), batch N. These are the
            low-resolution features HRDA's feature distance compares.
        detail (Sequence[Tensor]): Feature levels of the detail windows at
            full resolution, batch ``N * len(boxes)``, window-major (window
            k holds the images ``k * N`` to ``(k + 1) * N - 1``).
        boxes (list[tuple]): The detail windows ``(y1, y2, x1, x2)`` in
            input pixels; all of the same size. One random box in training,
            the sliding windows at inference.
        input_size (tuple[int, int]): ``(H, W)`` of the full-resolution
            input.
        context_scale (float): The context image's scale.
    """
    context: Sequence[Tensor]
    detail: Sequence[Tensor]
    boxes: List[Box]
    input_size: Tuple[int, int]
    context_scale: float

    @property
    def box(self) -> Box:
        """The region the detail windows cover (the box in training)."""
        return bounding_box(self.boxes)


@dataclass
class HRDALogits:
    """Outputs of :class:`HRDAHead`.

    Attributes:
        fused (Tensor): ``(N, C, h, w)`` fused logits of the whole input
            area at the detail branch's output resolution: the up-sampled
            context logits outside ``box``, their attention-weighted sum
            with the detail logits inside.
        context (Tensor): ``(N, C, h_c, w_c)`` logits of the context branch.
        detail (Tensor): ``(N, C, h_d, w_d)`` logits of the detail branch on
            ``box`` (overlapping windows averaged).
        attention (Tensor | float): ``sigmoid`` of the attention head on
            the context features, ``(N, C or 1, h_c, w_c)``, or the fixed
            attention.
        box (tuple): ``(y1, y2, x1, x2)`` of the detail region, input
            pixels.
        input_size (tuple[int, int]): ``(H, W)`` of the input.
    """
    fused: Tensor
    context: Tensor
    detail: Tensor
    attention: Attention
    box: Box
    input_size: Tuple[int, int]


@MODELS.register_module()
class HRDAHead(BaseDecodeHead):
    """HRDA's head (Hoyer et al., ECCV 2022, Sec. 3): one decode head on
    the context and the detail scale, fused by a learned scale attention.

    The wrapped head (any mmseg decode head, ``single_scale_head`` with the
    other keyword arguments) predicts the context logits ``y_c`` from the
    context features and the detail logits ``y_d`` from the detail
    features. A second instance of the same config (``num_classes`` C with
    ``attention_classwise``, else 1; ``attention_head`` overrides other
    keys) gives the scale attention ``a = sigmoid(h_a(context features))``.
    On the grid of the detail output (e.g. 1/4 of the input for DAFormer),
    inside the detail region::

        fused = (1 - up(a)) * up(y_c) + up(a) * y_d

    and ``fused = up(y_c)`` outside, ``up`` being bilinear resizing of the
    context-resolution maps to that grid. Training uses the whole context
    crop for the fused loss, as the official code does (outside the detail
    crop the attention is 0 there).

    Loss (paper Eq. 9)::

        fused_loss_weight * CE(fused, y) + detail_loss_weight * CE(y_d, y_box)
        + context_loss_weight * CE(y_c, y)

    ``y_box`` being the labels cropped to the detail box; by default
    ``fused_loss_weight = 1 - detail_loss_weight - context_loss_weight``
    (0.9 with the paper's lambda_d = 0.1), as in the paper and the official
    ``hr_loss_weight``. The head's ``sampler`` (e.g. the per-pixel weights
    of self-training) is evaluated once on the fused logits at the labels'
    size; the detail term uses the same weights cropped to the box. Keys:
    ``loss_ce``, ``acc_seg`` (fused), ``detail.loss_ce``,
    ``detail.acc_seg`` and, with a context weight, ``context.*`` (one
    ``loss_*`` per ``loss_decode``).

    Differences to the official code (mmseg 0.x): the attention is
    up-sampled before it is masked and multiplied, ``(1 - up(a)) * up(y_c)``
    instead of ``up((1 - a) * y_c)``, so the fused map equals the detail
    logits exactly where ``a = 1`` (the two differ only by interpolation
    at the crop border); the optional context term uses the raw context
    logits.

    Paper defaults: ``attention_classwise=True``, ``detail_loss_weight=0.1``
    (lambda_d), no context term; the official DAFormer attention head uses
    a 1x1 fusion instead of the ASPP (``attention_head=dict(dilations=(1,
    ))`` comes closest with :class:`DAFormerHead`).

    Args:
        single_scale_head (str): Registered type of the wrapped decode head,
            e.g. ``'DAFormerHead'``, ``'SegformerHead'``, ``'ASPPHead'``.
        attention_classwise (bool): One attention channel per class, else
            one for all. Defaults to True.
        attention_head (dict, optional): Keys of the attention head's config
            that differ from the wrapped head's (``type`` included).
            Defaults to None.
        fixed_attention (float, optional): Use this attention everywhere
            instead of learning one (no attention head). Defaults to None.
        detail_loss_weight (float): lambda_d. Defaults to 0.1.
        context_loss_weight (float): Weight of the context-only term.
            Defaults to 0.
        fused_loss_weight (float, optional): Weight of the fused term.
            Defaults to None: ``1 - detail_loss_weight -
            context_loss_weight``.
        init_cfg (dict, optional): Initialisation of the wrapped head and
            of the attention head (the wrapper has no weights of its own),
            e.g. ``Normal`` on ``aspp_branches`` of a ``DeepLabV2Head``.
            Defaults to None: each head's own default.
        **kwargs: The wrapped head's arguments (``in_channels``,
            ``channels``, ``num_classes``, ``loss_decode``, ...). The
            wrapper uses ``loss_decode``, ``sampler``, ``ignore_index`` and
            ``align_corners`` for the losses and resizing.
    """

    def __init__(self,
                 single_scale_head: str,
                 attention_classwise: bool = True,
                 attention_head: OptConfigType = None,
                 fixed_attention: Optional[float] = None,
                 detail_loss_weight: float = 0.1,
                 context_loss_weight: float = 0.,
                 fused_loss_weight: Optional[float] = None,
                 init_cfg: OptConfigType = None,
                 **kwargs) -> None:
        if not isinstance(single_scale_head, str) or (single_scale_head
                                                      == 'HRDAHead'):
            raise ValueError('single_scale_head must name a registered '
                             'decode head other than HRDAHead, got '
                             f'{single_scale_head!r}.')
        for name in ('in_channels', 'num_classes'):
            if name not in kwargs:
                raise ValueError(f'HRDAHead needs the wrapped head\'s '
                                 f'`{name}`.')
        head_cfg = dict(deepcopy(kwargs), type=single_scale_head)
        head_cfg.pop('sampler', None)  # the wrapper computes the losses
        if init_cfg is not None:
            head_cfg['init_cfg'] = deepcopy(init_cfg)
        super().__init__(init_cfg=None, **self._wrapper_args(kwargs))
        # the wrapped heads classify; the wrapper only fuses
        del self.conv_seg
        del self.dropout
        self.head = MODELS.build(head_cfg)

        if fixed_attention is None:
            attn_cfg = deepcopy(head_cfg)
            attn_cfg.update(deepcopy(attention_head or {}))
            if attention_classwise:
                attn_cfg.update(
                    num_classes=self.num_classes,
                    out_channels=self.out_channels)
            else:
                attn_cfg.update(num_classes=1, out_channels=1)
                attn_cfg.setdefault('threshold', 0.5)  # unused; no warning
            self.scale_attention = MODELS.build(attn_cfg)
        else:
            if not 0. <= fixed_attention <= 1.:
                raise ValueError('fixed_attention must lie in [0, 1], got '
                                 f'{fixed_attention}.')
            self.scale_attention = None
        self.attention_classwise = attention_classwise
        self.fixed_attention = fixed_attention

        if fused_loss_weight is None:
            fused_loss_weight = 1. - detail_loss_weight - context_loss_weight
        for name, value in (('detail_loss_weight', detail_loss_weight),
                            ('context_loss_weight', context_loss_weight),
                            ('fused_loss_weight', fused_loss_weight)):
            if value < 0:
                raise ValueError(f'{name} must be >= 0, got {value}.')
        self.detail_loss_weight = detail_loss_weight
        self.context_loss_weight = context_loss_weight
        self.fused_loss_weight = fused_loss_weight

    @staticmethod
    def _wrapper_args(kwargs: dict) -> dict:
        """The :class:`BaseDecodeHead` arguments of the wrapper."""
        args = {k: deepcopy(kwargs[k]) for k in _WRAPPER_ARGS if k in kwargs}
        args.setdefault('channels', 1)
        if isinstance(args['in_channels'], (list, tuple)):
            args.setdefault('input_transform', 'multiple_select')
            args.setdefault('in_index', list(range(len(args['in_channels']))))
        return args

    # -- forward ------------------------------------------------------------
    def attention(self, context_features: Sequence[Tensor]) -> Attention:
        """``sigmoid`` of the attention head, or the fixed attention."""
        if self.scale_attention is None:
            return self.fixed_attention
        return torch.sigmoid(self.scale_attention(context_features))

    def forward(self, inputs: HRDAFeatures) -> HRDALogits:
        """Context, detail and fused logits of :class:`HRDAFeatures`."""
        if not isinstance(inputs, HRDAFeatures):
            raise TypeError('HRDAHead takes the HRDAFeatures of '
                            'HRDAEncoderDecoder.extract_feat, got '
                            f'{type(inputs).__name__}.')
        context = self.head(inputs.context)
        detail = self.head(inputs.detail)
        attention = self.attention(inputs.context)
        return self.fuse(context, detail, attention, inputs.boxes,
                         inputs.input_size)

    def fuse(self, context: Tensor, detail: Tensor, attention: Attention,
             boxes: Sequence[Box], input_size: Sequence[int]) -> HRDALogits:
        """Fuse context and (windowed) detail logits by the attention.

        Args:
            context (Tensor): ``(N, C, h_c, w_c)`` context logits of the
                whole input area.
            detail (Tensor): ``(N * K, C, h, w)`` logits of the K detail
                windows, window-major.
            attention (Tensor | float): At the context resolution.
            boxes (Sequence[tuple]): The K windows in input pixels.
            input_size (Sequence[int]): ``(H, W)`` of the input.

        Returns:
            HRDALogits: The fused logits on the detail output grid.
        """
        boxes = [tuple(int(c) for c in box) for box in boxes]
        batch = context.shape[0]
        if not boxes or detail.shape[0] != batch * len(boxes):
            raise ValueError(
                f'{detail.shape[0]} detail logit maps for {len(boxes)} '
                f'windows of a batch of {batch}.')
        window = (boxes[0][1] - boxes[0][0], boxes[0][3] - boxes[0][2])
        if any((b[1] - b[0], b[3] - b[2]) != window for b in boxes):
            raise ValueError('All detail windows must have one size, got '
                             f'{boxes}.')
        scale = self._grid_scale(detail.shape[-2:], window, boxes, input_size)
        if scale == 1 and tuple(detail.shape[-2:]) != window:
            detail = self._resize(detail, window)
        grid = tuple(round(s * scale) for s in input_size)
        grid_boxes = [scale_box(box, scale) for box in boxes]
        region = bounding_box(grid_boxes)
        if len(boxes) == 1:
            detail_region = detail
        else:
            detail_map, count = paste_average(
                detail.split(batch), grid_boxes, grid)
            if (crop(count, region) == 0).any():
                raise ValueError(f'The detail windows {boxes} leave gaps in '
                                 'the region they span.')
            detail_region = crop(detail_map, region)

        up_context = self._resize(context, grid)
        att = attention
        if isinstance(attention, Tensor):
            att = crop(self._resize(attention, grid), region)
        fused_region = (1 - att) * crop(up_context, region) + (
            att * detail_region)
        fused = up_context.clone()
        y1, y2, x1, x2 = region
        fused[..., y1:y2, x1:x2] = fused_region
        return HRDALogits(
            fused=fused,
            context=context,
            detail=detail_region,
            attention=attention,
            box=bounding_box(boxes),
            input_size=tuple(int(s) for s in input_size))

    @staticmethod
    def _grid_scale(detail_size: Sequence[int], window: Sequence[int],
                    boxes: Sequence[Box], input_size: Sequence[int]) -> float:
        """The detail output's resolution relative to the input when the
        windows fall on whole cells of it, else 1 (fuse at input pixels)."""
        scale = Fraction(int(detail_size[0]), window[0])
        if scale != Fraction(int(detail_size[1]), window[1]):
            return 1.
        coords = [c for box in boxes for c in box] + list(input_size)
        if any((c * scale).denominator != 1 for c in coords):
            return 1.
        return float(scale)

    def _resize(self, x: Tensor, size: Sequence[int]) -> Tensor:
        if tuple(x.shape[-2:]) == tuple(size):
            return x
        return resize(
            x,
            size=tuple(size),
            mode='bilinear',
            align_corners=self.align_corners)

    # -- losses and prediction ---------------------------------------------
    def loss_by_feat(self, seg_logits: HRDALogits,
                     batch_data_samples: SampleList) -> Dict[str, Tensor]:
        """Fused, detail (and context) losses; see the class docstring."""
        if not isinstance(seg_logits, HRDALogits):
            raise TypeError('HRDAHead.loss_by_feat takes the HRDALogits of '
                            f'its forward, got {type(seg_logits).__name__}.')
        labels = self._stack_batch_gt(batch_data_samples)
        # float32 under autocast too (the plugin's float32_loss does not
        # look inside HRDALogits); a no-op for float32 logits
        fused = self._resize(seg_logits.fused.float(), labels.shape[2:])
        weight = None
        if self.sampler is not None:
            weight = self.sampler.sample(fused, labels)
        losses = self._terms(fused, labels, weight, self.fused_loss_weight)
        if self.detail_loss_weight > 0:
            box = self._label_box(seg_logits, labels.shape[2:])
            box_labels = crop(labels, box)
            box_weight = None if weight is None else crop(weight, box)
            detail = self._resize(seg_logits.detail.float(),
                                  box_labels.shape[2:])
            losses.update(
                self._terms(detail, box_labels, box_weight,
                            self.detail_loss_weight, 'detail.'))
        if self.context_loss_weight > 0:
            context = self._resize(seg_logits.context.float(),
                                   labels.shape[2:])
            losses.update(
                self._terms(context, labels, weight, self.context_loss_weight,
                            'context.'))
        return losses

    @staticmethod
    def _label_box(seg_logits: HRDALogits, label_size: Sequence[int]) -> Box:
        """The detail box in label pixels (labels may be at another
        resolution than the input, at the same aspect)."""
        height, width = seg_logits.input_size
        scale = Fraction(int(label_size[0]), height)
        if scale != Fraction(int(label_size[1]), width):
            raise ValueError(
                f'The labels {tuple(label_size)} are not a uniform rescaling '
                f'of the input {(height, width)}.')
        return scale_box(seg_logits.box, float(scale))

    def _terms(self,
               logits: Tensor,
               labels: Tensor,
               weight: Optional[Tensor],
               factor: float,
               prefix: str = '') -> Dict[str, Tensor]:
        """Each ``loss_decode`` times ``factor``, and the accuracy."""
        labels = labels.squeeze(1)
        loss_decodes = (
            self.loss_decode if isinstance(self.loss_decode, nn.ModuleList)
            else [self.loss_decode])
        terms = {}
        for loss_decode in loss_decodes:
            value = factor * loss_decode(
                logits, labels, weight=weight, ignore_index=self.ignore_index)
            name = prefix + loss_decode.loss_name
            terms[name] = terms[name] + value if name in terms else value
        terms[prefix + 'acc_seg'] = accuracy(
            logits, labels, ignore_index=self.ignore_index)
        return terms

    def predict_by_feat(self, seg_logits: Union[HRDALogits, Tensor],
                        batch_img_metas: List[dict]) -> Tensor:
        """The fused logits resized as mmseg's heads do."""
        if isinstance(seg_logits, HRDALogits):
            seg_logits = seg_logits.fused
        return super().predict_by_feat(seg_logits, batch_img_metas)
