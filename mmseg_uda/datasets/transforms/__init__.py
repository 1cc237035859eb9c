from .loading import LoadUDAAnnotations

__all__ = ['LoadUDAAnnotations']
