from .acm_head import ACMHead
from .daformer_head import DAFormerHead
from .deeplabv2_head import DeepLabV2Head

__all__ = ['DeepLabV2Head', 'ACMHead', 'DAFormerHead']
