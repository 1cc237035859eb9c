"""HRDA's multi-resolution encoder-decoder: context and detail crops."""
from typing import List, Optional, Sequence, Union

import torch
from mmseg.models.segmentors import EncoderDecoder
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType, OptMultiConfig, SampleList
from torch import Tensor

from ..heads.hrda_head import HRDAFeatures, HRDAHead
from ..utils.hrda_crops import (Box, crop, paste_average, random_crop_box,
                                size_pair, slide_boxes)


@MODELS.register_module()
class HRDAEncoderDecoder(EncoderDecoder):
    """HRDA (Hoyer et al., ECCV 2022): a low-resolution context crop and a
    high-resolution detail crop, fused by a learned scale attention.

    Training (``self.training``), :meth:`extract_feat` takes the context
    crop at full resolution (the paper: 1024x1024 of a 2x upscaled GTA5 /
    Cityscapes image), encodes it resized by ``context_scale`` (0.5) and
    one random ``detail_crop_size`` box (512x512) of it at full resolution,
    the box's corner a multiple of ``crop_coord_divisible`` (8, so that the
    box falls on whole cells of the 1/4 output and of the half-resolution
    context's 1/8), one box per batch as in the official code. It returns
    :class:`HRDAFeatures`; the decode head must be :class:`HRDAHead`, whose
    ``loss`` is then mmseg's usual ``forward`` + ``loss_by_feat``, so
    ``EncoderDecoder.loss`` works unchanged.

    Inference, :meth:`encode_decode` (validation and pseudo labels, in
    train or eval mode alike) encodes the whole input: the context at
    ``context_scale``, the detail branch by overlapping sliding windows of
    ``detail_crop_size`` with stride ``detail_crop_size // 2``, batched
    (the official ``hr_slide_inference``), averaged over overlaps and fused
    over the whole image. In eval mode :meth:`extract_feat` returns these
    whole-image features too. mmseg's ``test_cfg=dict(mode='slide',
    crop_size=(1024, 1024), stride=(512, 512))`` (the paper's test) calls
    it per window; ``batched_slide=True`` in ``test_cfg`` encodes all
    windows of a batch in one pass (more memory, as the official option).

    Args:
        backbone, decode_head, neck, train_cfg, test_cfg, data_preprocessor,
        pretrained, init_cfg: As :class:`EncoderDecoder`; ``decode_head``
            is an :class:`HRDAHead` config.
        auxiliary_head: Not supported (must be None).
        context_scale (float): Scale of the context image, in (0, 1].
            Defaults to 0.5.
        detail_crop_size (int | tuple[int, int]): Detail crop and sliding
            window, full-resolution pixels. Defaults to (512, 512).
        crop_coord_divisible (int): The detail box corner is a multiple of
            it. Defaults to 8.
        detail_slide_inference (bool): Slide detail windows at inference;
            False encodes the whole full-resolution input at once.
            Defaults to True.
        detail_slide_stride (int | tuple[int, int], optional): Defaults to
            None: half the detail crop (overlapping windows).
    """

    def __init__(
            self,
            backbone: ConfigType,
            decode_head: ConfigType,
            neck: OptConfigType = None,
            auxiliary_head: OptConfigType = None,
            train_cfg: OptConfigType = None,
            test_cfg: OptConfigType = None,
            data_preprocessor: OptConfigType = None,
            pretrained: Optional[str] = None,
            init_cfg: OptMultiConfig = None,
            context_scale: float = 0.5,
            detail_crop_size: Union[int, Sequence[int]] = (512, 512),
            crop_coord_divisible: int = 8,
            detail_slide_inference: bool = True,
            detail_slide_stride: Union[int, Sequence[int],
                                       None] = None) -> None:
        if auxiliary_head is not None:
            raise ValueError('HRDAEncoderDecoder does not support an '
                             'auxiliary_head: its features are HRDAFeatures, '
                             'which stock heads cannot read.')
        if not 0. < context_scale <= 1.:
            raise ValueError(
                f'context_scale must lie in (0, 1], got {context_scale}.')
        detail_crop_size = size_pair(detail_crop_size, 'detail_crop_size')
        if not isinstance(crop_coord_divisible, int) or (crop_coord_divisible
                                                         < 1):
            raise ValueError('crop_coord_divisible must be an int >= 1, got '
                             f'{crop_coord_divisible}.')
        if detail_slide_stride is None:
            detail_slide_stride = tuple(
                max(s // 2, 1) for s in detail_crop_size)
        detail_slide_stride = size_pair(detail_slide_stride,
                                        'detail_slide_stride')
        if any(s > c for s, c in zip(detail_slide_stride, detail_crop_size)):
            raise ValueError(
                f'detail_slide_stride {detail_slide_stride} is larger than '
                f'detail_crop_size {detail_crop_size}: windows would leave '
                'gaps.')
        super().__init__(
            backbone=backbone,
            decode_head=decode_head,
            neck=neck,
            auxiliary_head=None,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor,
            pretrained=pretrained,
            init_cfg=init_cfg)
        if not isinstance(self.decode_head, HRDAHead):
            raise ValueError('HRDAEncoderDecoder needs an HRDAHead as '
                             'decode_head, got '
                             f'{type(self.decode_head).__name__}.')
        self.context_scale = context_scale
        self.detail_crop_size = detail_crop_size
        self.crop_coord_divisible = crop_coord_divisible
        self.detail_slide_inference = detail_slide_inference
        self.detail_slide_stride = detail_slide_stride

    # -- features -----------------------------------------------------------
    def encode(self, inputs: Tensor) -> List[Tensor]:
        """Backbone (and neck) features of ``inputs`` as they are."""
        return super().extract_feat(inputs)

    def context_inputs(self, inputs: Tensor) -> Tensor:
        """``inputs`` resized by ``context_scale`` (bilinear)."""
        if self.context_scale == 1:
            return inputs
        size = [
            max(round(s * self.context_scale), 1) for s in inputs.shape[2:]
        ]
        return resize(
            inputs,
            size=size,
            mode='bilinear',
            align_corners=self.align_corners)

    def extract_feat(self, inputs: Tensor) -> HRDAFeatures:
        """Training: one random detail crop (:meth:`extract_train_feat`);
        eval: the whole input (:meth:`extract_slide_feat`)."""
        if self.training:
            return self.extract_train_feat(inputs)
        return self.extract_slide_feat(inputs)

    def extract_train_feat(self,
                           inputs: Tensor,
                           box: Optional[Box] = None) -> HRDAFeatures:
        """Features of the context image and of one detail crop.

        Args:
            inputs (Tensor): ``(N, C, H, W)`` context crops at full
                resolution.
            box (tuple, optional): The detail box ``(y1, y2, x1, x2)``;
                default: drawn by :func:`random_crop_box`.
        """
        size = tuple(inputs.shape[2:])
        if any(c > s for c, s in zip(self.detail_crop_size, size)):
            raise ValueError(f'detail_crop_size {self.detail_crop_size} is '
                             f'larger than the training input {size}.')
        if box is None:
            box = random_crop_box(size, self.detail_crop_size,
                                  self.crop_coord_divisible)
        return HRDAFeatures(
            context=self.encode(self.context_inputs(inputs)),
            detail=self.encode(crop(inputs, box)),
            boxes=[tuple(box)],
            input_size=size,
            context_scale=self.context_scale)

    def detail_windows(self, size: Sequence[int]) -> List[Box]:
        """The inference windows of the detail branch on an input."""
        if not self.detail_slide_inference:
            return [(0, int(size[0]), 0, int(size[1]))]
        return slide_boxes(size, self.detail_crop_size,
                           self.detail_slide_stride)

    def extract_slide_feat(self, inputs: Tensor) -> HRDAFeatures:
        """Features of the context image and of all detail windows (one
        batched pass)."""
        size = tuple(inputs.shape[2:])
        boxes = self.detail_windows(size)
        windows = torch.cat([crop(inputs, box) for box in boxes])
        return HRDAFeatures(
            context=self.encode(self.context_inputs(inputs)),
            detail=self.encode(windows),
            boxes=boxes,
            input_size=size,
            context_scale=self.context_scale)

    # -- inference ----------------------------------------------------------
    def encode_decode(self, inputs: Tensor,
                      batch_img_metas: List[dict]) -> Tensor:
        """Fused logits of the whole input, resized as mmseg does
        (``img_shape`` in slide mode, else ``pad_shape``)."""
        logits = self.decode_head.forward(self.extract_slide_feat(inputs))
        return self.decode_head.predict_by_feat(logits, batch_img_metas)

    def _forward(self,
                 inputs: Tensor,
                 data_samples: SampleList = None) -> Tensor:
        """Fused logits of the whole input at the head's resolution."""
        return self.decode_head.forward(self.extract_slide_feat(inputs)).fused

    def slide_inference(self, inputs: Tensor,
                        batch_img_metas: List[dict]) -> Tensor:
        """mmseg's sliding window; all windows in one batch with
        ``test_cfg.batched_slide``."""
        if not self.test_cfg.get('batched_slide', False):
            return super().slide_inference(inputs, batch_img_metas)
        batch = inputs.shape[0]
        boxes = slide_boxes(inputs.shape[2:], tuple(self.test_cfg.crop_size),
                            tuple(self.test_cfg.stride))
        windows = torch.cat([crop(inputs, box) for box in boxes])
        # as mmseg: the window size as a torch.Size selects it for resizing
        metas = [
            dict(meta, img_shape=windows.shape[2:]) for meta in batch_img_metas
        ]
        logits = self.encode_decode(windows, metas)
        seg_logits, _ = paste_average(
            logits.split(batch), boxes, inputs.shape[2:])
        return seg_logits
