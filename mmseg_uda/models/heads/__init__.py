from .acm_head import ACMHead
from .daformer_head import DAFormerHead
from .deeplabv2_head import DeepLabV2Head
from .hrda_head import HRDAFeatures, HRDAHead, HRDALogits

__all__ = [
    'DeepLabV2Head', 'ACMHead', 'DAFormerHead', 'HRDAHead', 'HRDAFeatures',
    'HRDALogits'
]
