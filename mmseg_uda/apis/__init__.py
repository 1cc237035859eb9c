from .inference import get_dataset_cfg, init_segmentor

__all__ = ['get_dataset_cfg', 'init_segmentor']
