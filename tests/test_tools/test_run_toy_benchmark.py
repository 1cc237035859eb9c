"""tools/run_toy_benchmark.py: reuse of finished runs and the summary."""
import importlib.util
import json
import os.path as osp

import numpy as np
from uda_test_utils import REPO_ROOT


def load_tool():
    spec = importlib.util.spec_from_file_location(
        'run_toy_benchmark',
        osp.join(REPO_ROOT, 'tools', 'run_toy_benchmark.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_summary_mixes_fresh_numpy_and_reloaded_values():
    tool = load_tool()
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
    line = tool.summarize('cfg', runs)
    assert line == ('cfg: source mIoU 60.00 +- 0.00 (60.00); '
                    'target mIoU 41.00 +- 1.41 (40.00, 42.00)')


def test_finished_run_is_reused_without_training(tmp_path):
    tool = load_tool()
    results = {'target': {'mIoU': 43.5}}
    (tmp_path / 'results.json').write_text(json.dumps(results))
    # a config path that does not exist proves nothing is built or trained
    assert tool.run_one('missing.py', 0, str(tmp_path), False, None) == results


def test_each_pair_has_its_own_run_folders():
    tool = load_tool()
    assert tool.run_dir('w', 'a', 'cfg', 2) == osp.join('w', 'cfg', 'seed2')
    assert tool.run_dir('w', 'b', 'cfg',
                        2) == osp.join('w', 'toy-b', 'cfg', 'seed2')
