"""CIRN's semantic-consistency loss of a translation."""
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from torch import Tensor

from ..utils.amp import float32_loss


@MODELS.register_module()
class SemanticConsistencyLoss(nn.Module):
    """Cross-entropy of a frozen source model on translated source images.

    Gao et al., "Addressing Domain Gap via Content Invariant Representation
    for Semantic Segmentation", AAAI 2021, Eq. 4: the translation
    ``G(x_s)`` must still be segmented as the source label ``y_s`` by a
    segmentation model trained on the source domain. The logits are
    upsampled to the label size and the loss is averaged over the labelled
    pixels. Eq. 4 sums over pixels, which would put the term orders of
    magnitude above the (averaged) GAN and cycle terms it is added to with
    weight 1 in Eq. 5; averaging keeps that weight meaningful.

    Args:
        loss_weight (float): Weight of the term (Eq. 5: 1). Default: 1.0.
        ignore_index (int): Label value without a class. Default: 255.
        align_corners (bool): ``align_corners`` of the upsampling; use the
            segmentation head's. Default: False.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 ignore_index: int = 255,
                 align_corners: bool = False) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.ignore_index = ignore_index
        self.align_corners = align_corners

    @float32_loss
    def forward(self, logits: Tensor, labels: Tensor) -> Tensor:
        """Weighted mean cross-entropy, computed in float32.

        Args:
            logits (Tensor): Segmentation logits (N, C, h, w) of the
                translated images.
            labels (Tensor): Source labels (N, H, W), ``ignore_index`` where
                unlabelled.
        """
        logits = resize(
            logits,
            size=labels.shape[-2:],
            mode='bilinear',
            align_corners=self.align_corners)
        labels = labels.long()
        num_labelled = (labels != self.ignore_index).sum().clamp(min=1)
        loss = F.cross_entropy(
            logits, labels, ignore_index=self.ignore_index,
            reduction='sum') / num_labelled
        return self.loss_weight * loss
