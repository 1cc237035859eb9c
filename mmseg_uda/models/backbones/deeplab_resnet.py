"""The ResNet-101 of the official DeepLabV2 models (caffe layout)."""
from typing import Sequence

import torch.nn as nn
from mmseg.models.backbones import ResNet
from mmseg.registry import MODELS


@MODELS.register_module()
class DeepLabV2ResNet(ResNet):
    """mmseg's ``ResNet`` laid out as the official DeepLabV2 ResNet-101.

    The DeepLabV2 models converted from caffe, which AdaptSegNet's
    (``model/deeplab_multi.py``) and BDL's (``model/deeplab.py``) code and
    their released weights use, differ from torchvision's ResNet in two
    places: the stride of a stage sits in the first 1x1 conv of its first
    block (``style='caffe'``), and the stem's max-pool rounds up
    (``ceil_mode=True``), so that a 512x1024 input gives 65x129 maps at
    output stride 8, not 64x128. The defaults reproduce those files:
    caffe style, strides (1, 2, 1, 1), dilations (1, 1, 2, 4) in every
    block of conv4 / conv5. Key names are mmseg's (= the official ones).

    Args:
        depth (int): ResNet depth. Default: 101.
        style (str): ``'caffe'`` (official) or ``'pytorch'``.
            Default: 'caffe'.
        strides (Sequence[int]): Stride of each stage.
            Default: (1, 2, 1, 1).
        dilations (Sequence[int]): Dilation of each stage.
            Default: (1, 1, 2, 4).
        stem_pool_ceil_mode (bool): ``ceil_mode`` of the stem max-pool.
            Default: True.
        **kwargs: Passed to mmseg's ``ResNet``.
    """

    def __init__(self,
                 depth: int = 101,
                 style: str = 'caffe',
                 strides: Sequence[int] = (1, 2, 1, 1),
                 dilations: Sequence[int] = (1, 1, 2, 4),
                 stem_pool_ceil_mode: bool = True,
                 **kwargs) -> None:
        super().__init__(
            depth=depth,
            style=style,
            strides=strides,
            dilations=dilations,
            **kwargs)
        self.maxpool = nn.MaxPool2d(
            kernel_size=3, stride=2, padding=1, ceil_mode=stem_pool_ceil_mode)
