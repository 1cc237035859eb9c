from .cosine_distance import cosine_distance_map
from .domain_encoding_loss import DomainEncodingLoss
from .feature_distance_loss import FeatureDistanceLoss
from .feature_matching_loss import FeatureMatchingLoss
from .gan_loss import GANLoss
from .label_reconstruction_loss import LabelReconstructionLoss
from .pseudo_label_loss import PseudoLabelLoss
from .seg_perceptual_loss import SegPerceptualLoss
from .semantic_consistency_loss import SemanticConsistencyLoss
from .vgg_perceptual_loss import VGGPerceptualLoss
from .weight_discrepancy_loss import WeightDiscrepancyLoss

__all__ = [
    'GANLoss', 'SegPerceptualLoss', 'SemanticConsistencyLoss',
    'DomainEncodingLoss', 'FeatureDistanceLoss', 'FeatureMatchingLoss',
    'VGGPerceptualLoss', 'LabelReconstructionLoss', 'PseudoLabelLoss',
    'WeightDiscrepancyLoss', 'cosine_distance_map'
]
