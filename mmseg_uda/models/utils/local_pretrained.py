"""Load pretrained weights from a local file, with a helpful error."""
import os.path as osp
from typing import Optional

from mmengine.logging import print_log
from mmengine.model.weight_init import PretrainedInit, update_init_info
from mmengine.runner.checkpoint import _load_checkpoint
from mmseg.registry import WEIGHT_INITIALIZERS

from .segmentor_checkpoint import (checkpoint_state_dict,
                                   load_checked_state_dict)

#: How to obtain the weights the configs expect, by file name.
DOWNLOAD_HINTS = {
    'resnet101_imagenet.pth':
    'save torchvision\'s ImageNet ResNet-101 on a machine with internet: '
    'python -c "import torch, torchvision; torch.save(torchvision.models.'
    'resnet101(weights=\'IMAGENET1K_V1\').state_dict(), '
    '\'resnet101_imagenet.pth\')" and copy it there',
    'deeplab_resnet101_init.pth':
    'download DeepLab_resnet_pretrained_init-f81d91e8.pth (see '
    'docs/en/official_weights.md) and convert it with python tools/'
    'model_converters/deeplab_init2mmseg.py '
    'DeepLab_resnet_pretrained_init-f81d91e8.pth '
    'checkpoints/deeplab_resnet101_init.pth',
    'mit_b5_imagenet.pth':
    'download the ImageNet MiT-B5 weights of SegFormer (mit_b5.pth, linked '
    'from the SegFormer and DAFormer repositories) and convert them with '
    'mmseg\'s python tools/model_converters/mit2mmseg.py mit_b5.pth '
    'checkpoints/mit_b5_imagenet.pth',
}


@WEIGHT_INITIALIZERS.register_module()
class LocalPretrained(PretrainedInit):
    """``Pretrained`` init that only reads local files.

    Machines without internet cannot fetch ``torchvision://`` or
    ``open-mmlab://`` weights; the configs point at a local file instead and
    a missing file stops the run with a message that says how to get it
    (or how to train from scratch).

    A file that does not hold every weight of the module (other key names,
    e.g. an official file not yet converted, or another architecture) also
    stops the run, with the counts and the converter to use, unless
    ``allow_partial=True``. Weights of the file that the module does not
    have (e.g. the ImageNet ``fc``) are ignored.

    Args:
        checkpoint (str): Local path of the checkpoint.
        prefix (str, optional): Load only the sub-module with this prefix.
        map_location (str): Device to load to. Default: 'cpu'.
        allow_partial (bool): Load the matching weights of a file that
            lacks some, logging the counts. Default: False.
    """

    def __init__(self,
                 checkpoint: str,
                 prefix: Optional[str] = None,
                 map_location: str = 'cpu',
                 allow_partial: bool = False) -> None:
        super().__init__(checkpoint, prefix=prefix, map_location=map_location)
        self.allow_partial = allow_partial

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
        raw = _load_checkpoint(self.checkpoint, map_location=self.map_location)
        state_dict = checkpoint_state_dict(raw)
        if self.prefix is not None:
            prefix = self.prefix if self.prefix.endswith('.') else (
                self.prefix + '.')
            state_dict = {
                k[len(prefix):]: v
                for k, v in state_dict.items() if k.startswith(prefix)
            }
        print_log(
            f'load {self.prefix or "model"} from: {self.checkpoint}',
            logger='current')
        load_checked_state_dict(
            module,
            state_dict,
            self.checkpoint,
            allow_partial=self.allow_partial,
            opt_in='allow_partial=True in the LocalPretrained init_cfg',
            raw=raw)
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())
