"""tools/analysis_tools/benchmark.py runs a UDA and a stock config."""
import os.path as osp
import subprocess
import sys

import pytest
from uda_test_utils import REPO_ROOT

TOOL = osp.join(REPO_ROOT, 'tools', 'analysis_tools', 'benchmark.py')


@pytest.mark.parametrize('config', [
    'configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py',
    'configs/source_only/deeplabv2_r18_toy-gta2cs.py'
])
def test_benchmark_reports_speed_and_memory(config):
    proc = subprocess.run([
        sys.executable, TOOL,
        osp.join(REPO_ROOT, config), '--shape', '64', '64', '--batch-size',
        '1', '--warmup', '1', '--iters', '2'
    ],
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout + proc.stderr
    assert 'train step:' in out and 'inference:' in out
    assert 'images/s' in out and 'peak RSS' in out
