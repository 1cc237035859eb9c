"""Load pretrained weights from a local file, with a helpful error."""
import os.path as osp
from typing import Optional

from mmengine.model.weight_init import PretrainedInit
from mmseg.registry import WEIGHT_INITIALIZERS

#: How to obtain the weights the configs expect, by file name.
DOWNLOAD_HINTS = {
    'resnet101_imagenet.pth':
    'save torchvision\'s ImageNet ResNet-101 on a machine with internet: '
    'python -c "import torch, torchvision; torch.save(torchvision.models.'
    'resnet101(weights=\'IMAGENET1K_V1\').state_dict(), '
    '\'resnet101_imagenet.pth\')" and copy it there',
}


@WEIGHT_INITIALIZERS.register_module()
class LocalPretrained(PretrainedInit):
    """``Pretrained`` init that only reads local files.

    Machines without internet cannot fetch ``torchvision://`` or
    ``open-mmlab://`` weights; the configs point at a local file instead and
    a missing file stops the run with a message that says how to get it
    (or how to train from scratch).

    Args:
        checkpoint (str): Local path of the checkpoint.
        prefix (str, optional): Load only the sub-module with this prefix.
        map_location (str): Device to load to. Default: 'cpu'.
    """

    def __init__(self,
                 checkpoint: str,
                 prefix: Optional[str] = None,
                 map_location: str = 'cpu') -> None:
        super().__init__(checkpoint, prefix=prefix, map_location=map_location)

    def __call__(self, module) -> None:
        if not osp.isfile(self.checkpoint):
            hint = DOWNLOAD_HINTS.get(
                osp.basename(self.checkpoint),
                'download the weights and place them there')
            raise FileNotFoundError(
                f'Pretrained weights not found: {self.checkpoint}. To get '
                f'them, {hint}. To train from scratch instead, pass '
                '--cfg-options model.backbone.init_cfg=None (UDA configs: '
                'model.segmentor.backbone.init_cfg=None).')
        super().__call__(module)
