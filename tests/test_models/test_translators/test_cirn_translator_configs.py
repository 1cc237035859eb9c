"""CIRN's stage-1 translator configs (paper Eq. 1-5) for every benchmark."""
import os.path as osp

import pytest
import torch
import translator_test_utils  # noqa: F401  (mmseg scope)
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmseg.registry import MODELS
from uda_test_utils import REPO_ROOT, make_uda_batch

NAMES = ('gta2cs', 'synthia2cs', 'toy-gta2cs')


def load(name):
    return Config.fromfile(
        osp.join(REPO_ROOT, 'configs', 'translators',
                 f'cyclegan_{name}-cirn-semantic.py'))


def transform(pipeline, name):
    return [t for t in pipeline if t.type == name][0]


@pytest.mark.parametrize('name', NAMES)
def test_losses_and_batch_follow_eq5(name):
    cfg = load(name)
    model = cfg.model
    assert model.gan_loss.gan_type == 'vanilla'  # Eq. 1-2: log loss
    assert model.identity_weight == 0.0  # no identity term in Eq. 5
    assert model.cycle_weight == 10.0  # CycleGAN's (documented deviation)
    assert model.semantic_loss.loss_weight == 1.0
    assert model.direction == 'source_to_target'
    assert model.segmentor.type == 'EncoderDecoder'
    assert cfg.train_dataloader.batch_size == 1
    adam = cfg.optim_wrapper.generators.optimizer
    assert (adam.lr, tuple(adam.betas)) == (2e-4, (0.5, 0.999))


@pytest.mark.parametrize('name', NAMES)
def test_source_labels_and_crops_at_the_frozen_models_scale(name):
    """Eq. 4 needs the labels; the frozen model sees the scale it was
    trained at (the stage-2 / source-only resize), cropped."""
    cfg = load(name)
    source = cfg.train_dataloader.dataset.source
    assert any(t.type == 'LoadUDAAnnotations' for t in source.pipeline)
    resize = transform(source.pipeline, 'Resize')
    crop = transform(source.pipeline, 'RandomCrop')
    trained_at = dict(
        gta2cs=(1280, 720), synthia2cs=(1280, 760), toy_gta2cs=(128, 64))
    assert tuple(resize.scale) == trained_at[name.replace('-', '_')]
    assert crop.crop_size[0] <= resize.scale[1]
    target = cfg.train_dataloader.dataset.target
    assert transform(target.pipeline, 'Resize').scale == (
        (128, 64) if name == 'toy-gta2cs' else (1024, 512))
    # tools/translate.py translates source_train_dataset
    assert cfg.source_train_dataset.pipeline == source.pipeline


def test_frozen_models_match_their_source_only_configs():
    so = {
        'gta2cs': 'deeplabv2_r101_gta2cs',
        'synthia2cs': 'deeplabv2_r101_synthia2cs',
        'toy-gta2cs': 'deeplabv2_r18_toy-gta2cs',
    }
    for name, so_name in so.items():
        cfg = load(name)
        so_cfg = Config.fromfile(
            osp.join(REPO_ROOT, 'configs', 'source_only', so_name + '.py'))
        assert cfg.model.segmentor == so_cfg.model
        assert cfg.model.segmentor_checkpoint == (
            f'work_dirs/{so_name}/iter_{so_cfg.train_cfg.max_iters}.pth')
        source = so_cfg.train_dataloader.dataset
        assert source.type == cfg.train_dataloader.dataset.source.type
        assert transform(source.pipeline, 'Resize').scale == transform(
            cfg.train_dataloader.dataset.source.pipeline, 'Resize').scale


def test_synthia_schedule_is_20_epochs_at_batch_1():
    cfg = load('synthia2cs')
    assert cfg.train_cfg.max_iters == 20 * 9400
    decay = cfg.param_scheduler.generators[0]
    assert (decay.begin, decay.end) == (10 * 9400, 20 * 9400)
    label = transform(cfg.train_dataloader.dataset.source.pipeline,
                      'LoadUDAAnnotations')
    assert (label.label_mapping, label.channel) == ('synthia', 2)


def test_toy_config_trains_a_step_with_the_semantic_loss(tmp_path):
    cfg = load('toy-gta2cs')
    torch.manual_seed(0)
    frozen = MODELS.build(cfg.model.segmentor)
    checkpoint = str(tmp_path / 'iter_1000.pth')
    torch.save(dict(state_dict=frozen.state_dict()), checkpoint)
    cfg.model.segmentor_checkpoint = checkpoint
    model = MODELS.build(cfg.model)
    model.init_weights()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    log_vars = model.train_step(
        make_uda_batch(batch_size=1, size=(64, 64)), optim_wrapper)
    assert torch.isfinite(log_vars['loss_sem.source'])
    assert 'loss_identity.source' not in log_vars
