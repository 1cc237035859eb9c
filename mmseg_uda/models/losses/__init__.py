from .cosine_distance import cosine_distance_map
from .domain_encoding_loss import DomainEncodingLoss
from .feature_matching_loss import FeatureMatchingLoss
from .gan_loss import GANLoss
from .seg_perceptual_loss import SegPerceptualLoss
from .semantic_consistency_loss import SemanticConsistencyLoss
from .vgg_perceptual_loss import VGGPerceptualLoss
from .weight_discrepancy_loss import WeightDiscrepancyLoss

__all__ = [
    'GANLoss', 'SegPerceptualLoss', 'SemanticConsistencyLoss',
    'DomainEncodingLoss', 'FeatureMatchingLoss', 'VGGPerceptualLoss',
    'WeightDiscrepancyLoss', 'cosine_distance_map'
]
