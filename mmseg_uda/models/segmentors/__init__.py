from .hrda_encoder_decoder import HRDAEncoderDecoder

__all__ = ['HRDAEncoderDecoder']
