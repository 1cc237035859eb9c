"""tools/test.py stops on a checkpoint that does not fit the model."""
import os.path as osp
import subprocess
import sys

import torch
from tiny_checkpoints import save_untrained_checkpoint
from uda_test_utils import REPO_ROOT

SOURCE_ONLY = osp.join(REPO_ROOT,
                       'configs/source_only/deeplabv2_r18_toy-gta2cs.py')
NO_WORKERS = [
    'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False'
]


def run_test_tool(checkpoint: str, cwd: str, work_dir: str, *args:
                  str) -> subprocess.CompletedProcess:
    return subprocess.run([
        sys.executable,
        osp.join(REPO_ROOT, 'tools', 'test.py'), SOURCE_ONLY, checkpoint,
        '--work-dir', work_dir, *args, '--cfg-options', *NO_WORKERS
    ],
                          cwd=cwd,
                          capture_output=True,
                          text=True)


def test_mismatched_checkpoint_stops_unless_partial(toy_workspace, tmp_path):
    path = save_untrained_checkpoint(SOURCE_ONLY, str(tmp_path / 'ok.pth'))
    state = torch.load(path)['state_dict']
    # official-style names: nothing matches
    renamed = str(tmp_path / 'renamed.pth')
    torch.save({f'Scale.{k}': v for k, v in state.items()}, renamed)
    proc = run_test_tool(renamed, toy_workspace, str(tmp_path / 'w1'))
    assert proc.returncode != 0
    assert 'CheckpointMismatchError' in proc.stderr
    assert f'{renamed} matches 0 of the' in proc.stderr
    assert 'Scale.' in proc.stderr and '--allow-partial' in proc.stderr
    assert 'Iter(test)' not in proc.stdout + proc.stderr

    # one head weight missing: stops, and loads with --allow-partial
    del state['decode_head.aspp_branches.0.weight']
    partial = str(tmp_path / 'partial.pth')
    torch.save(dict(state_dict=state, meta={}), partial)
    proc = run_test_tool(partial, toy_workspace, str(tmp_path / 'w2'))
    assert proc.returncode != 0
    assert 'decode_head.aspp_branches.0.weight' in proc.stderr
    proc = run_test_tool(partial, toy_workspace, str(tmp_path / 'w3'),
                         '--allow-partial')
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert 'Partial loading of' in log and 'mIoU:' in log
