"""tools/model_converters: official files give the official outputs.

Each test builds the authors' network (re-stated in official_networks.py)
with random weights and BN statistics, saves it under the official key
names, converts it with the tool, loads the result as tools/test.py does
into the model of the method's ``-official`` config and compares, in eval
mode, the preprocessed input, the logits of every head, the predicted
logits at input size and the discriminators.
"""
import os.path as osp
from typing import Callable, List

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from official_networks import (R50, R101, DeepLab, DeepLabMulti,
                               FadaClassifier, FadaFeatureExtractor,
                               FCDiscriminator, PixelDiscriminator,
                               caffe_input, imagenet_input,
                               official_state_dict, randomize, upsample)
from uda_test_utils import REPO_ROOT, load_tool

import mmseg_uda  # noqa: F401
from mmseg_uda.models.utils.segmentor_checkpoint import load_test_checkpoint

CONFIGS = osp.join(REPO_ROOT, 'configs')
ADAPTSEGNET = osp.join(CONFIGS, 'adaptsegnet',
                       'adaptsegnet_r101_gta2cs-multi-level-official.py')
ADAPTSEGNET_INIT = osp.join(
    CONFIGS, 'adaptsegnet',
    'adaptsegnet_r101_gta2cs-multi-level-deeplab-init.py')
BDL = osp.join(CONFIGS, 'bdl', 'bdl_r101_gta2cs-official.py')
FADA = osp.join(CONFIGS, 'fada', 'fada_r101_gta2cs-official.py')
EVEN, ODD = (64, 96), (67, 93)
TOL = 1e-4


def converter(name: str) -> Callable[[List[str]], None]:
    return load_tool(f'model_converters/{name}').main


def build(config: str, depth: int, **backbone) -> torch.nn.Module:
    cfg = Config.fromfile(config)
    init_default_scope('mmseg')
    cfg.model.segmentor.backbone.depth = depth
    cfg.model.segmentor.backbone.update(backbone)
    model = MODELS.build(cfg.model)
    model.eval()
    return model


def assert_close(actual: torch.Tensor, expected: torch.Tensor) -> None:
    assert actual.shape == expected.shape
    assert (actual - expected).abs().max().item() <= TOL


def sample(size) -> SegDataSample:
    data_sample = SegDataSample()
    data_sample.set_metainfo(dict(img_shape=size, ori_shape=size))
    return data_sample


def mmseg_run(model, image):
    """Preprocessed input and predicted logits at input size."""
    data = dict(inputs=[image], data_samples=[sample(tuple(image.shape[1:]))])
    inputs = model.data_preprocessor(data, False)['inputs']
    logits = model.test_step(data)[0].seg_logits.data
    return inputs, logits


def random_image(size, seed: int) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    return torch.randint(0, 256, (3, *size), generator=gen, dtype=torch.uint8)


def save(tmp_path, name: str, data) -> str:
    path = str(tmp_path / name)
    torch.save(data, path)
    return path


@pytest.mark.parametrize(
    'blocks, depth, sizes', [(R50, 50, (EVEN, ODD)), (R101, 101, (EVEN, ))],
    ids=['r50', 'r101'])
def test_adaptsegnet(tmp_path, capsys, blocks, depth, sizes):
    official = randomize(DeepLabMulti(blocks=blocks)).eval()
    d_main = randomize(FCDiscriminator(), seed=1)
    d_aux = randomize(FCDiscriminator(), seed=2)
    src = save(tmp_path, 'multi.pth', official_state_dict(official))
    d2 = save(tmp_path, 'D2.pth', d_main.state_dict())
    d1 = save(tmp_path, 'D1.pth', d_aux.state_dict())
    dst = str(tmp_path / 'converted.pth')
    converter('adaptsegnet2mmseg')(
        [src, dst, '--discriminator', d2, '--aux-discriminator', d1])
    assert 'layer6 -> decode_head' in capsys.readouterr().out

    model = build(ADAPTSEGNET, depth)
    load_test_checkpoint(model, dst)
    segmentor = model.model
    for seed, size in enumerate(sizes):
        image = random_image(size, seed)
        with torch.no_grad():
            aux, main = official(caffe_input(image))
            inputs, logits = mmseg_run(model, image)
            feats = segmentor.backbone(inputs)
            ours_main = segmentor.decode_head(feats)
            ours_aux = segmentor.auxiliary_head(feats)
            # the official code scores the softmax at input size
            disc = model.discriminator(
                dict(
                    decode_head=F.softmax(upsample(ours_main, size), 1),
                    auxiliary_head=F.softmax(upsample(ours_aux, size), 1)))
        assert_close(inputs, caffe_input(image))
        assert_close(ours_main, main)
        assert_close(ours_aux, aux)
        assert_close(logits, upsample(main, size)[0])
        with torch.no_grad():
            d_main_out = d_main(F.softmax(upsample(main, size), 1))
            d_aux_out = d_aux(F.softmax(upsample(aux, size), 1))
        assert_close(disc['decode_head'], d_main_out)
        assert_close(disc['auxiliary_head'], d_aux_out)


def test_bdl(tmp_path, capsys):
    official = randomize(DeepLab(blocks=R50)).eval()
    d_official = randomize(FCDiscriminator(), seed=3)
    src = save(tmp_path, 'GTA5_deeplab.pth', official_state_dict(official))
    d_src = save(tmp_path, 'GTA5_deeplab_D.pth', d_official.state_dict())
    dst = str(tmp_path / 'converted.pth')
    converter('bdl2mmseg')([src, dst, '--discriminator', d_src])
    assert 'layer5 -> decode_head' in capsys.readouterr().out

    model = build(BDL, 50)
    load_test_checkpoint(model, dst)
    for seed, size in enumerate((EVEN, ODD)):
        image = random_image(size, seed)
        with torch.no_grad():
            expected = official(caffe_input(image))
            inputs, logits = mmseg_run(model, image)
            ours = model.model.decode_head(model.model.backbone(inputs))
            disc = model.discriminator(
                dict(decode_head=F.softmax(upsample(ours, size), 1)))
            expected_disc = d_official(F.softmax(upsample(expected, size), 1))
        assert_close(inputs, caffe_input(image))
        assert_close(ours, expected)
        assert_close(logits, upsample(expected, size)[0])
        assert_close(disc['decode_head'], expected_disc)


@pytest.mark.parametrize('stage', ['self_distill', 'adversarial'])
def test_fada(tmp_path, capsys, stage):
    adversarial = stage == 'adversarial'
    features = randomize(
        FadaFeatureExtractor(blocks=R50, frozen_bn=adversarial)).eval()
    classifier = randomize(FadaClassifier(), seed=4)
    disc = randomize(PixelDiscriminator(), seed=5)
    checkpoint = dict(
        iteration=40000,
        feature_extractor=official_state_dict(features, 'module.'),
        classifier=official_state_dict(classifier, 'module.'))
    if adversarial:
        checkpoint['model_D'] = official_state_dict(disc, 'module.')
    src = save(tmp_path, 'g2c.pth', checkpoint)
    dst = str(tmp_path / 'converted.pth')
    converter('fada2mmseg')([src, dst])
    assert 'classifier -> decode_head' in capsys.readouterr().out

    # adversarial-stage files: FrozenBatchNorm2d (see the config)
    norm = dict(norm_cfg=dict(type='FrozenBN')) if adversarial else {}
    model = build(FADA, 50, **norm)
    load_test_checkpoint(model, dst)
    for seed, size in enumerate((EVEN, ODD)):
        image = random_image(size, seed)
        with torch.no_grad():
            feat = features(imagenet_input(image))
            expected = classifier(feat)
            inputs, logits = mmseg_run(model, image)
            ours_feat = model.model.backbone(inputs)[-1]
            ours = model.model.decode_head([ours_feat] * 4)
        assert_close(inputs, imagenet_input(image))
        assert_close(ours_feat, feat)
        assert_close(ours, expected)
        assert_close(logits, classifier(feat, size)[0])
        if adversarial:
            with torch.no_grad():
                assert_close(
                    model.discriminator(ours_feat, size), disc(feat, size))


def test_deeplab_init(tmp_path, capsys):
    official = randomize(DeepLab(num_classes=21, blocks=R50)).eval()
    src = save(tmp_path, 'DeepLab_resnet_pretrained_init.pth',
               official_state_dict(official, 'Scale.'))
    dst = str(tmp_path / 'deeplab_resnet101_init.pth')
    converter('deeplab_init2mmseg')([src, dst])
    out = capsys.readouterr().out
    assert 'dropped 8' in out and 'layer5.conv2d_list.0.weight' in out

    cfg = Config.fromfile(ADAPTSEGNET_INIT)
    backbone_cfg = cfg.model.segmentor.backbone
    assert backbone_cfg.init_cfg.type == 'LocalPretrained'
    backbone_cfg.update(depth=50)
    backbone_cfg.init_cfg.checkpoint = dst
    init_default_scope('mmseg')
    backbone = MODELS.build(backbone_cfg)
    backbone.init_weights()
    image = random_image(ODD, 0)
    # eval mode: stored statistics
    backbone.eval()
    with torch.no_grad():
        c4, c5 = official.features(caffe_input(image))
        ours = backbone(caffe_input(image))
    assert_close(ours[2], c4)
    assert_close(ours[3], c5)
    # train mode: batch statistics (norm_eval=False), as model.train()
    backbone.train()
    official.train()
    batch = torch.stack([random_image(EVEN, s) for s in (1, 2)])
    inputs = torch.cat([caffe_input(im) for im in batch])
    with torch.no_grad():
        assert_close(backbone(inputs)[3], official.features(inputs)[1])


@pytest.mark.parametrize(
    'tool, make, expected',
    [('adaptsegnet2mmseg', lambda: official_state_dict(DeepLab(blocks=R50)),
      'bdl2mmseg.py'),
     ('bdl2mmseg',
      lambda: official_state_dict(DeepLab(21, blocks=R50), 'Scale.'),
      'deeplab_init2mmseg.py'),
     ('fada2mmseg', lambda: official_state_dict(DeepLabMulti(blocks=R50)),
      'adaptsegnet2mmseg.py'),
     ('deeplab_init2mmseg', lambda: dict(feature_extractor={}, classifier={}),
      'fada2mmseg.py'),
     ('bdl2mmseg', lambda: {
         'backbone.conv1.weight': torch.zeros(1)
     }, 'not BDL')],
    ids=[
        'bdl-to-adaptsegnet', 'init-to-bdl', 'adaptsegnet-to-fada',
        'fada-to-init', 'mmseg-to-bdl'
    ])
def test_wrong_kind_is_refused(tmp_path, capsys, tool, make, expected):
    src = save(tmp_path, 'file.pth', make())
    dst = tmp_path / 'out.pth'
    with pytest.raises(SystemExit) as error:
        converter(tool)([src, str(dst)])
    assert error.value.code == 2
    assert expected in capsys.readouterr().err
    assert not dst.exists()
