"""The convolutional part of VGG19, tapped at relu{1..5}_1 (frozen)."""
import os.path as osp
from typing import Dict, List

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.runner.checkpoint import _load_checkpoint
from torch import Tensor

#: 3x3 convs per stage of VGG19 (mmpretrain's ``VGG.arch_settings[19]``).
VGG19_STAGE_CONVS = (2, 2, 4, 4, 4)
#: How to obtain the ImageNet weights on a machine with internet.
VGG19_DOWNLOAD_HINT = (
    "download mmpretrain's VGG19 (vgg19_8xb32_in1k): https://download."
    'openmmlab.com/mmclassification/v0/vgg/vgg19_batch256_imagenet_'
    '20210208-e6920e4a.pth, or save torchvision\'s: python -c "import '
    'torch, torchvision; torch.save(torchvision.models.vgg19(weights='
    '\'IMAGENET1K_V1\').state_dict(), \'vgg19_imagenet.pth\')"; both '
    'layouts load')


class VGG19Features(nn.Module):
    """VGG19's convolutions up to ``relu{num_stages}_1``.

    The layers and parameter names are those of mmpretrain's
    ``VGG(depth=19)`` backbone (``features.{i}`` = ``ConvModule`` (3x3 conv
    + ReLU) or ``MaxPool2d``), so its ImageNet checkpoints load unchanged;
    torchvision's ``vgg19`` checkpoints load too (:func:`load_vgg19`). Not
    mmpretrain's class itself: ``mmpretrain.models`` cannot be imported
    without torchvision (its metrics import it), which the plugin does not
    need otherwise. Only the layers up to the last tapped ReLU are built.

    Args:
        num_stages (int): Stages tapped: ``relu1_1`` .. ``relu{n}_1``, 1-5.
            Default: 5.
        base_channels (int): Channels of stage 1 (VGG19: 64); doubled per
            stage up to 8x. Other values are for random-weight toy runs
            only. Default: 64.
    """

    def __init__(self, num_stages: int = 5, base_channels: int = 64) -> None:
        super().__init__()
        if not 1 <= num_stages <= len(VGG19_STAGE_CONVS):
            raise ValueError(f'num_stages must be in 1..5, got {num_stages}.')
        layers: List[nn.Module] = []
        self.tap_indices: List[int] = []
        in_channels = 3
        for stage in range(num_stages):
            out_channels = base_channels * 2**min(stage, 3)
            last = stage == num_stages - 1
            self.tap_indices.append(len(layers))
            for _ in range(1 if last else VGG19_STAGE_CONVS[stage]):
                layers.append(
                    ConvModule(in_channels, out_channels, 3, padding=1))
                in_channels = out_channels
            if not last:
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        self.features = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> List[Tensor]:
        """The ``relu{k}_1`` maps, k = 1..num_stages."""
        outs = []
        taps = set(self.tap_indices)
        for index, layer in enumerate(self.features):
            x = layer(x)
            if index in taps:
                outs.append(x)
        return outs


def _torchvision_names(model: VGG19Features) -> Dict[str, str]:
    """Our parameter name -> torchvision ``vgg19.features`` name."""
    names, tv_index, conv = {}, 0, 0
    convs = [
        i for i, layer in enumerate(model.features)
        if isinstance(layer, ConvModule)
    ]
    for stage_convs in VGG19_STAGE_CONVS:
        for _ in range(stage_convs):
            if conv < len(convs):
                for kind in ('weight', 'bias'):
                    names[f'features.{convs[conv]}.conv.{kind}'] = (
                        f'features.{tv_index}.{kind}')
            conv += 1
            tv_index += 2  # conv, ReLU
        tv_index += 1  # max pooling
    return names


def load_vgg19(model: VGG19Features, checkpoint: str) -> None:
    """Load ImageNet VGG19 weights into ``model`` (every layer it has).

    Accepts mmpretrain checkpoints (``backbone.features.{i}.conv.*``, e.g.
    ``vgg19_batch256_imagenet_20210208-e6920e4a.pth``), bare backbone state
    dicts (``features.{i}.conv.*``) and torchvision's ``vgg19`` state dict
    (``features.{j}.*``); extra keys (the classifier, deeper layers) are
    ignored, a missing one is an error.

    Args:
        model (VGG19Features): The network to load into.
        checkpoint (str): Local path of the weights.
    """
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(
            f'VGG19 weights not found: {checkpoint}. To get them, '
            f'{VGG19_DOWNLOAD_HINT}, and copy the file there. For a VGG '
            'with random weights (toy runs and tests only), set '
            'model.perceptual_loss.pretrained=None.')
    state_dict = _load_checkpoint(checkpoint, map_location='cpu')
    state_dict = state_dict.get('state_dict', state_dict)
    torchvision = _torchvision_names(model)
    loaded, missing = {}, []
    for name in model.state_dict():
        for key in (f'backbone.{name}', name, torchvision.get(name)):
            if key in state_dict:
                loaded[name] = state_dict[key]
                break
        else:
            missing.append(name)
    if missing:
        raise KeyError(
            f'{checkpoint} is no VGG19 checkpoint: {missing} not found (as '
            'mmpretrain backbone.features.{i}.conv.*, features.{i}.conv.* '
            'or torchvision features.{j}.*).')
    with torch.no_grad():
        model.load_state_dict(loaded, strict=True)
