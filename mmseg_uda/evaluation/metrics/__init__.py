from .uda_iou_metric import UDAIoUMetric

__all__ = ['UDAIoUMetric']
