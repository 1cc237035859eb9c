"""amp_config / enable_amp: what --amp does to an optimizer config."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from uda_test_utils import REPO_ROOT

from mmseg_uda.utils import amp_config, enable_amp, optim_wrapper_cfgs

ADAPTSEGNET = osp.join(REPO_ROOT,
                       'configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py')
SOURCE_ONLY = osp.join(REPO_ROOT,
                       'configs/source_only/deeplabv2_r18_toy-gta2cs.py')


def test_float16_with_dynamic_loss_scale_for_every_child():
    cfg = Config.fromfile(ADAPTSEGNET)
    optimizers = {
        key: wrapper.optimizer.copy()
        for key, wrapper in optim_wrapper_cfgs(cfg).items()
    }
    assert amp_config(cfg) == 'float16'
    wrappers = optim_wrapper_cfgs(cfg)
    assert sorted(wrappers) == [
        'optim_wrapper.discriminator', 'optim_wrapper.segmentor'
    ]
    for key, wrapper in wrappers.items():
        assert wrapper.type == 'AmpOptimWrapper'
        assert wrapper.dtype == 'float16'
        assert wrapper.loss_scale == 'dynamic'
        assert wrapper.optimizer == optimizers[key]
    assert cfg.optim_wrapper.constructor == 'MultiOptimWrapperConstructor'


def test_single_wrapper_config():
    cfg = Config.fromfile(SOURCE_ONLY)
    amp_config(cfg)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'


@pytest.mark.parametrize('from_config', [True, False])
def test_bfloat16_from_the_config_or_the_caller(from_config):
    cfg = Config.fromfile(ADAPTSEGNET)
    if from_config:
        cfg.merge_from_dict({'amp_dtype': 'bfloat16'})
        dtype = amp_config(cfg)
    else:
        dtype = amp_config(cfg, 'bfloat16')
    assert dtype == 'bfloat16'
    for wrapper in optim_wrapper_cfgs(cfg).values():
        assert wrapper.dtype == 'bfloat16'
        # bf16 has fp32's exponent range: no loss scaling
        assert wrapper.loss_scale == dict(enabled=False)


def test_entries_of_the_config_win():
    cfg = Config.fromfile(ADAPTSEGNET)
    cfg.merge_from_dict({
        'optim_wrapper.segmentor.dtype': 'bfloat16',
        'optim_wrapper.discriminator.type': 'AmpOptimWrapper',
        'optim_wrapper.discriminator.loss_scale': 512.
    })
    amp_config(cfg)
    segmentor = cfg.optim_wrapper.segmentor
    discriminator = cfg.optim_wrapper.discriminator
    assert segmentor.type == 'AmpOptimWrapper'
    assert segmentor.dtype == 'bfloat16'
    assert segmentor.loss_scale == dict(enabled=False)
    assert discriminator.loss_scale == 512.
    assert 'dtype' not in discriminator  # already AMP: left as it is


def test_bad_settings_name_the_key():
    cfg = Config.fromfile(ADAPTSEGNET)
    with pytest.raises(ValueError, match='amp_dtype'):
        amp_config(cfg, 'float8')
    cfg.merge_from_dict({'optim_wrapper.discriminator.type': 'ApexWrapper'})
    with pytest.raises(ValueError, match='optim_wrapper.discriminator.type'):
        amp_config(cfg)


def test_enable_amp_leaves_cpu_configs_unchanged():
    if torch.cuda.is_available():
        pytest.skip('the fallback is for CPU-only machines')
    cfg = Config.fromfile(ADAPTSEGNET)
    before = cfg.optim_wrapper.to_dict()
    assert 'CUDA' in enable_amp(cfg)
    assert cfg.optim_wrapper.to_dict() == before
