from .domain_encoding_loss import DomainEncodingLoss
from .gan_loss import GANLoss
from .seg_perceptual_loss import SegPerceptualLoss
from .semantic_consistency_loss import SemanticConsistencyLoss

__all__ = [
    'GANLoss', 'SegPerceptualLoss', 'SemanticConsistencyLoss',
    'DomainEncodingLoss'
]
