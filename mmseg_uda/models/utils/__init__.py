from .local_pretrained import LocalPretrained

__all__ = ['LocalPretrained']
