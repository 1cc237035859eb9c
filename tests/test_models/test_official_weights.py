"""Official networks as options, and loading that never leaves a model
silently unloaded (LocalPretrained, load_segmentor_checkpoint)."""
import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.models.backbones import ResNet
from mmseg.registry import MODELS
from official_networks import R50, DeepLab, NoEpsFrozenBN, official_state_dict
from uda_test_utils import REPO_ROOT

import mmseg_uda  # noqa: F401
from mmseg_uda.models import DeepLabV2ResNet, FrozenBatchNorm2d
from mmseg_uda.models.heads import DeepLabV2Head
from mmseg_uda.models.utils import LocalPretrained
from mmseg_uda.models.utils.official_weights import detect_kind
from mmseg_uda.models.utils.segmentor_checkpoint import (
    CheckpointMismatchError, load_segmentor_checkpoint, load_test_checkpoint)

TOY = f'{REPO_ROOT}/configs/source_only/deeplabv2_r18_toy-gta2cs.py'
TOY_UDA = f'{REPO_ROOT}/configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py'


def build(config: str) -> nn.Module:
    cfg = Config.fromfile(config)
    init_default_scope('mmseg')
    return MODELS.build(cfg.model)


def test_caffe_resnet_rounds_the_stem_pool_up():
    x = torch.zeros(1, 3, 64, 96)  # stem output 32x48: ceil mode matters
    ours = DeepLabV2ResNet(depth=50)
    stock = ResNet(depth=50, strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4))
    ours.eval()  # mmseg's ResNet.train returns None
    stock.eval()
    with torch.no_grad():
        assert ours(x)[3].shape[2:] == (9, 13)  # as the official models
        assert stock(x)[3].shape[2:] == (8, 12)
    first = ours.layer2[0]
    assert first.conv1.stride == (2, 2) and first.conv2.stride == (1, 1)
    assert ours.layer3[0].conv2.dilation == (2, 2)  # no contraction


def test_deeplabv2_head_sums_the_chosen_branches():
    torch.manual_seed(0)
    x = [torch.randn(1, 8, 5, 7)]
    kwargs = dict(in_channels=8, num_classes=3, in_index=0)
    every = DeepLabV2Head(**kwargs)
    two = DeepLabV2Head(summed_branches=(0, 1), **kwargs)
    two.load_state_dict(every.state_dict())
    branches = [b(x[0]) for b in every.aspp_branches]
    torch.testing.assert_close(every(x), sum(branches))
    torch.testing.assert_close(two(x), branches[0] + branches[1])
    with pytest.raises(ValueError, match='summed_branches'):
        DeepLabV2Head(summed_branches=(0, 4), **kwargs)


def test_frozen_bn_has_no_epsilon_and_ignores_train_mode():
    torch.manual_seed(0)
    ours, theirs = FrozenBatchNorm2d(4), NoEpsFrozenBN(4)
    for name in ('weight', 'bias', 'running_mean'):
        getattr(ours, name).normal_()
    ours.running_var.uniform_(1e-4, 1e-3)  # where an epsilon would show
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(2, 4, 3, 3)
    ours.train()
    torch.testing.assert_close(ours(x), theirs(x))
    with_eps = nn.BatchNorm2d(4).eval()
    with_eps.load_state_dict(ours.state_dict(), strict=False)
    assert not torch.allclose(with_eps(x), ours(x))
    assert list(ours.parameters()) == []
    # usable as an mmseg norm layer, named bn* as the official keys
    init_default_scope('mmseg')
    net = ResNet(depth=18, norm_cfg=dict(type='FrozenBN'))
    assert isinstance(net.bn1, FrozenBatchNorm2d)


def test_detect_kind():
    init = official_state_dict(DeepLab(21, blocks=R50), 'Scale.')
    assert detect_kind(init) == 'deeplab_init'
    assert detect_kind({k[6:]: v for k, v in init.items()}) == 'bdl'
    assert detect_kind(dict(feature_extractor={}, classifier={})) == 'fada'
    assert detect_kind({'backbone.conv1.weight': torch.zeros(1)}) is None
    assert detect_kind({'conv1.weight': torch.zeros(1)}) is None


# -- LocalPretrained --------------------------------------------------------
def official_init_file(tmp_path) -> str:
    path = str(tmp_path / 'DeepLab_resnet_pretrained_init.pth')
    torch.save(official_state_dict(DeepLab(21, blocks=R50), 'Scale.'), path)
    return path


def test_local_pretrained_stops_on_unconverted_official_file(tmp_path):
    path = official_init_file(tmp_path)
    backbone = DeepLabV2ResNet(depth=50)
    before = backbone.conv1.weight.clone()
    with pytest.raises(CheckpointMismatchError) as error:
        LocalPretrained(path)(backbone)
    message = str(error.value)
    assert path in message
    n_weights = len([
        k for k in backbone.state_dict()
        if not k.endswith('num_batches_tracked')
    ])
    assert f'matches 0 of the {n_weights} weights' in message
    assert 'conv1.weight' in message  # model side
    assert 'Scale.conv1.weight' in message  # file side
    assert 'deeplab_init2mmseg.py' in message
    assert 'allow_partial=True' in message
    torch.testing.assert_close(backbone.conv1.weight, before)


def test_local_pretrained_partial_only_on_request(tmp_path):
    source = DeepLabV2ResNet(depth=50)
    state = source.state_dict()
    del state['layer4.2.conv3.weight']
    state['fc.weight'] = torch.zeros(3)  # ImageNet head: ignored
    path = str(tmp_path / 'partial.pth')
    torch.save(state, path)
    target = DeepLabV2ResNet(depth=50)
    with pytest.raises(CheckpointMismatchError, match='layer4.2.conv3'):
        LocalPretrained(path)(target)
    LocalPretrained(path, allow_partial=True)(target)
    torch.testing.assert_close(target.conv1.weight, source.conv1.weight)
    assert not torch.equal(target.layer4[2].conv3.weight,
                           source.layer4[2].conv3.weight)
    # a complete file (with extra keys) loads without the option
    full = source.state_dict()
    full['fc.weight'] = torch.zeros(3)
    torch.save(full, path)
    LocalPretrained(path)(target)
    torch.testing.assert_close(target.layer4[2].conv3.weight,
                               source.layer4[2].conv3.weight)


# -- load_segmentor_checkpoint / load_test_checkpoint -----------------------
def assert_same_weights(module: nn.Module, reference: nn.Module) -> None:
    state = module.state_dict()
    for key, value in reference.state_dict().items():
        torch.testing.assert_close(state[key], value, msg=key)


def test_project_checkpoints_load_as_before(tmp_path):
    uda, plain = build(TOY_UDA), build(TOY)
    files = {}
    for name, state in (('uda', uda.state_dict()), ('segmentor',
                                                    uda.model.state_dict()),
                        ('plain', plain.state_dict())):
        files[name] = str(tmp_path / f'{name}.pth')
        torch.save(dict(state_dict=state, meta={}), files[name])
    # segmentor_checkpoint: the segmentor part of a UDA checkpoint, or a
    # plain checkpoint
    target = build(TOY_UDA).model
    load_segmentor_checkpoint(target, files['uda'])
    assert_same_weights(target, uda.model)
    target = build(TOY)
    load_segmentor_checkpoint(target, files['plain'])
    assert_same_weights(target, plain)
    # tools/test.py: a UDA checkpoint restores the whole UDA model ...
    target = build(TOY_UDA)
    load_test_checkpoint(target, files['uda'])
    assert_same_weights(target, uda)
    # ... a plain one the segmentor of a UDA model, and a UDA one a plain
    # segmentor
    target = build(TOY_UDA)
    load_test_checkpoint(target, files['segmentor'])
    assert_same_weights(target.model, uda.model)
    target = build(TOY_UDA).model
    load_test_checkpoint(target, files['uda'])
    assert_same_weights(target, uda.model)


def test_segmentor_checkpoint_stops_with_a_clear_error(tmp_path):
    plain = build(TOY)
    state = {f'Scale.{k}': v for k, v in plain.state_dict().items()}
    path = str(tmp_path / 'renamed.pth')
    torch.save(state, path)
    with pytest.raises(CheckpointMismatchError) as error:
        load_segmentor_checkpoint(build(TOY), path)
    message = str(error.value)
    assert path in message and 'matches 0 of the' in message
    assert 'Scale.' in message and 'allow_partial=True' in message

    state = plain.state_dict()
    del state['decode_head.aspp_branches.0.bias']
    torch.save(state, path)
    target = build(TOY)
    with pytest.raises(CheckpointMismatchError, match='aspp_branches.0.bias'):
        load_segmentor_checkpoint(target, path)
    load_segmentor_checkpoint(target, path, allow_partial=True)
    torch.testing.assert_close(target.backbone.conv1.weight,
                               plain.backbone.conv1.weight)
