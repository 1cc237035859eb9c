"""tools/run_toy_benchmark.py (mmseg_uda.apis.toy_benchmark): reuse of
finished runs and the summary."""
import json
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config

from mmseg_uda.apis.toy_benchmark import (run_dir, run_one, summarize,
                                          toy_stage_data)


def test_summary_mixes_fresh_numpy_and_reloaded_values():
    # a fresh run returns numpy scalars, a reused one plain floats
    runs = [{
        'target': {
            'mIoU': np.float32(40.0)
        }
    }, {
        'target': {
            'mIoU': 42.0
        },
        'source': {
            'mIoU': 60.0
        }
    }]
    line = summarize('cfg', runs)
    assert line == ('cfg: source mIoU 60.00 +- 0.00 (60.00); '
                    'target mIoU 41.00 +- 1.41 (40.00, 42.00)')


def test_finished_run_is_reused_without_training(tmp_path):
    results = {'target': {'mIoU': 43.5}}
    (tmp_path / 'results.json').write_text(json.dumps(results))
    # a config path that does not exist proves nothing is built or trained
    assert run_one('missing.py', 0, str(tmp_path), False, None) == results


def test_each_pair_has_its_own_run_folders():
    assert run_dir('w', 'a', 'cfg', 2) == osp.join('w', 'cfg', 'seed2')
    assert run_dir('w', 'b', 'cfg', 2) == osp.join('w', 'toy-b', 'cfg',
                                                   'seed2')


def test_toy_stage_data_of_each_pair():
    toy = Config(dict(toy_benchmark='data/toy', stages=[]))
    plain = Config(dict(stages=[]))
    assert toy_stage_data(plain, 'a', 'plain.py') is None
    with pytest.raises(ValueError, match='plain.py is no toy pipeline'):
        toy_stage_data(plain, 'b', 'plain.py')
    pair_a = toy_stage_data(toy, 'a')
    assert pair_a.relocate is None and pair_a.work_subdir is None
    assert pair_a.prepare.args == ('data/toy', )
    pair_b = toy_stage_data(toy, 'b')
    assert pair_b.work_subdir == 'toy-b'
    assert pair_b.prepare.args == ('data/toy-b', )
    moved = pair_b.relocate(
        dict(a=dict(data_root='data/toy/gta5'), b='data/toyx', c=1))
    assert moved == {'a.data_root': 'data/toy-b/gta5'}
