"""Thing-class feature distance to a frozen ImageNet encoder (DAFormer)."""
from typing import Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptConfigType
from torch import Tensor

#: Cityscapes train ids of DAFormer's "thing" classes: traffic light, traffic
#: sign, person, rider, car, truck, bus, train, motorcycle, bicycle.
CITYSCAPES_THING_CLASSES = (6, 7, 11, 12, 13, 14, 15, 16, 17, 18)


def downscale_label_by_majority(labels: Tensor,
                                size: Sequence[int],
                                num_classes: int,
                                min_ratio: float = 0.75,
                                ignore_index: int = 255) -> Tensor:
    """Downscale a label map to ``size``; keep patches with a clear majority.

    Each output position covers a patch of the label map (adaptive average
    pooling; ``H / h`` by ``W / w`` pixels when they divide). Its label is
    the most frequent value of the patch, ignored pixels counted as a value
    of their own, and ``ignore_index`` when that value is the ignore value
    or covers less than ``min_ratio`` of the patch (DAFormer's rule).

    Args:
        labels (Tensor): (N, H, W) or (N, 1, H, W) integer labels.
        size (Sequence[int]): Output (h, w).
        num_classes (int): Number of classes; ids outside ``[0,
            num_classes)`` other than ``ignore_index`` are an error.
        min_ratio (float): Share of the patch the majority needs.
        ignore_index (int): Ignored label value.

    Returns:
        Tensor: (N, h, w) long labels.
    """
    if labels.dim() == 4:
        labels = labels.squeeze(1)
    if labels.dim() != 3:
        raise ValueError('labels must be (N, H, W) or (N, 1, H, W), got '
                         f'shape {tuple(labels.shape)}.')
    labels = labels.long()
    ignored = labels == ignore_index
    if ((labels[~ignored] < 0) | (labels[~ignored] >= num_classes)).any():
        raise ValueError(f'labels hold ids outside [0, {num_classes}) other '
                         f'than ignore_index {ignore_index}.')
    # the ignored pixels vote as an extra class
    labels = labels.masked_fill(ignored, num_classes)
    one_hot = F.one_hot(labels, num_classes + 1).permute(0, 3, 1, 2).float()
    shares = F.adaptive_avg_pool2d(one_hot, tuple(size))
    ratio, out = shares.max(dim=1)
    out[(out == num_classes) | (ratio < min_ratio)] = ignore_index
    return out


@MODELS.register_module()
class FeatureDistanceLoss(BaseModule):
    """L2 distance of the student's features to a frozen encoder's (FD).

    DAFormer's thing-class ImageNet feature distance: a copy of the
    ImageNet-pretrained encoder (built from ``encoder``, its weights from
    that config's ``init_cfg``) is frozen: its parameters never require
    gradients, it is always in eval mode and runs without autograd, so no
    optimizer needs an entry for it. On source images ``x`` with labels
    ``y`` the loss is

    ``loss_weight * mean_{p in M} || F_student(x)_p - F_frozen(x)_p ||_2``

    over the positions ``p`` of feature level ``level`` whose label,
    downscaled by :func:`downscale_label_by_majority` (``min_ratio``), is
    one of ``classes``; ``classes=None`` keeps every position. Without any
    kept position the loss is 0.

    Args:
        encoder (dict): Config of the frozen encoder (a backbone returning
            a tuple of feature maps, the student's backbone with ImageNet
            ``init_cfg``).
        num_classes (int): Number of classes of the labels.
        classes (Sequence[int], optional): Class ids whose positions count.
            Defaults to the Cityscapes thing classes (DAFormer).
        min_ratio (float): Majority share of the downscaling. Defaults to
            0.75 (DAFormer).
        level (int): Index of the compared feature level. Defaults to -1
            (the last encoder stage).
        loss_weight (float): ``lambda_FD``. Defaults to 0.005 (DAFormer).
        ignore_index (int): Ignored label value. Defaults to 255.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 encoder: ConfigType,
                 num_classes: int = 19,
                 classes: Union[Sequence[int],
                                None] = CITYSCAPES_THING_CLASSES,
                 min_ratio: float = 0.75,
                 level: int = -1,
                 loss_weight: float = 0.005,
                 ignore_index: int = 255,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if classes is not None and any(not 0 <= c < num_classes
                                       for c in classes):
            raise ValueError(f'classes {list(classes)} must lie in [0, '
                             f'{num_classes}).')
        self.encoder = MODELS.build(encoder)
        for param in self.encoder.parameters():
            param.requires_grad_(False)
        self.num_classes = num_classes
        self.classes = None if classes is None else tuple(classes)
        self.min_ratio = min_ratio
        self.level = level
        self.loss_weight = loss_weight
        self.ignore_index = ignore_index
        self.encoder.eval()

    def train(self, mode: bool = True) -> 'FeatureDistanceLoss':
        """The frozen encoder stays in eval mode."""
        super().train(mode)
        self.encoder.eval()
        return self

    @torch.no_grad()
    def frozen_features(self, inputs: Tensor) -> Tensor:
        """The frozen encoder's features of level ``level``."""
        features = self.encoder(inputs)
        if isinstance(features, Tensor):
            features = [features]
        return features[self.level].detach()

    def mask(self, labels: Tensor, size: Sequence[int]) -> Tensor:
        """(N, h, w) bool: positions that count for the distance."""
        small = downscale_label_by_majority(labels, size, self.num_classes,
                                            self.min_ratio, self.ignore_index)
        if self.classes is None:
            return small != self.ignore_index
        classes = torch.tensor(self.classes, device=small.device)
        return torch.isin(small, classes)

    def forward(self, student_features: Union[Tensor, Sequence[Tensor]],
                inputs: Tensor, labels: Tensor) -> Tensor:
        """The weighted distance.

        Args:
            student_features (Tensor | Sequence[Tensor]): The student's
                feature pyramid (``extract_feat``) on ``inputs``, or the
                feature map of level ``level`` itself.
            inputs (Tensor): (N, 3, H, W) preprocessed source images.
            labels (Tensor): (N, H, W) or (N, 1, H, W) source labels.

        Returns:
            Tensor: The scalar loss.
        """
        student = (
            student_features if isinstance(student_features, Tensor) else
            student_features[self.level])
        frozen = self.frozen_features(inputs)
        if frozen.shape != student.shape:
            raise ValueError(
                f'The frozen encoder\'s features {tuple(frozen.shape)} do '
                f'not match the student\'s {tuple(student.shape)}; build '
                '`encoder` like the student\'s backbone.')
        distance = torch.linalg.vector_norm(student - frozen, dim=1)
        mask = self.mask(labels, student.shape[-2:])
        if not mask.any():
            return student.sum() * 0.
        return self.loss_weight * distance[mask].mean()
