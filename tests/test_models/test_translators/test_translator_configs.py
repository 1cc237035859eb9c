"""The translator configs parse, agree with themselves and build."""
import glob
import os.path as osp

import pytest
import translator_test_utils  # noqa: F401  (mmseg scope)
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmseg.registry import MODELS
from uda_test_utils import REPO_ROOT, make_uda_batch

CONFIGS = sorted(
    glob.glob(osp.join(REPO_ROOT, 'configs', 'translators', '*.py')))
CHILDREN = {'generators', 'discriminators'}


def test_every_readme_config_exists():
    with open(osp.join(REPO_ROOT, 'configs', 'translators', 'README.md')) as f:
        readme = f.read()
    assert CONFIGS
    for path in CONFIGS:
        assert f'({osp.basename(path)})' in readme


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_schedules_cover_both_children_until_the_end(path):
    cfg = Config.fromfile(path)
    assert cfg.model.type == 'CycleGANTranslator'
    assert set(cfg.optim_wrapper) - {'constructor'} == CHILDREN
    assert set(cfg.param_scheduler) == CHILDREN
    for schedulers in cfg.param_scheduler.values():
        assert schedulers[-1]['end'] == cfg.train_cfg.max_iters
    # the model normalises itself to [-1, 1], whatever the runner merges in
    assert cfg.model.data_preprocessor.mean == [127.5] * 3
    assert cfg.model_wrapper_cfg.type == 'MMSeparateDistributedDataParallel'
    assert cfg.val_dataloader is None and cfg.val_cfg is None


def test_direction_and_losses_per_method():

    def model(name):
        return Config.fromfile(
            osp.join(REPO_ROOT, 'configs', 'translators', name)).model

    for ldr in ('cyclegan_cs2gta.py', 'cyclegan_cs2synthia.py',
                'cyclegan_toy-cs2gta.py'):
        assert model(ldr).direction == 'target_to_source'
    bdl = model('cyclegan_gta2cs-bdl-perceptual.py')
    assert bdl.perceptual_loss.translation_weight == 0.1
    assert bdl.perceptual_loss.reconstruction_weight == 10.0
    cirn = model('cyclegan_gta2cs-cirn-semantic.py')
    assert cirn.semantic_loss.loss_weight == 1.0
    assert cirn.identity_weight == 0.0
    for consistency in (bdl, cirn):
        assert consistency.segmentor.type == 'EncoderDecoder'
        assert consistency.segmentor_checkpoint


def test_toy_config_trains_a_step():
    cfg = Config.fromfile(CONFIGS[-1])
    assert osp.basename(CONFIGS[-1]) == 'cyclegan_toy-gta2cs.py'
    model = MODELS.build(cfg.model)
    model.init_weights()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    log_vars = model.train_step(
        make_uda_batch(batch_size=1, size=(64, 64)), optim_wrapper)
    assert 'loss.generators' in log_vars
