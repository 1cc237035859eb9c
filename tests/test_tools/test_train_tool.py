"""tools/train.py and tools/test.py end to end on the tiny toy benchmark."""
import glob
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest
import torch
from uda_test_utils import REPO_ROOT

SOURCE_ONLY = osp.join(REPO_ROOT,
                       'configs/source_only/deeplabv2_r18_toy-gta2cs.py')
ADAPTSEGNET = osp.join(REPO_ROOT,
                       'configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py')


def cpu_options(max_iters: int) -> list:
    """--cfg-options for a few iterations without worker processes."""
    options = [
        f'train_cfg.max_iters={max_iters}',
        f'train_cfg.val_interval={max_iters}',
        'default_hooks.checkpoint.interval=2',
        'default_hooks.logger.interval=1',
    ]
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        options += [
            f'{loader}.num_workers=0', f'{loader}.persistent_workers=False'
        ]
    return options


def run_tool(tool: str, args: list, cwd: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, osp.join(REPO_ROOT, 'tools', tool)] + args,
        cwd=cwd,
        capture_output=True,
        text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def last_test_metrics(work_dir: str) -> dict:
    logs = sorted(glob.glob(osp.join(work_dir, '*', '*.json')))
    assert logs, f'no json log in {work_dir}'
    with open(logs[-1]) as f:
        return json.loads(f.readlines()[-1])


def test_train_then_test_source_only(toy_workspace, tmp_path):
    work_dir = str(tmp_path / 'source_only')
    run_tool('train.py',
             [SOURCE_ONLY, '--work-dir', work_dir, '--cfg-options'] +
             cpu_options(2), toy_workspace)
    checkpoint = osp.join(work_dir, 'iter_2.pth')
    assert osp.isfile(checkpoint)
    test_dir = str(tmp_path / 'source_only_test')
    run_tool(
        'test.py',
        [SOURCE_ONLY, checkpoint, '--work-dir', test_dir, '--cfg-options'] +
        cpu_options(2), toy_workspace)
    metrics = last_test_metrics(test_dir)
    assert 0 <= metrics['mIoU'] <= 100
    assert 'mIoU13' in metrics and 'mIoU16' in metrics


def _final_state(work_dir: str, iters: int) -> dict:
    # weights_only loading: the safe globals of mmseg_uda must suffice
    return torch.load(
        osp.join(work_dir, f'iter_{iters}.pth'), map_location='cpu')


def test_resumed_run_matches_uninterrupted_run(toy_workspace, tmp_path):
    # The poly schedule is pinned to 4 iterations so that stopping after 2
    # and resuming runs exactly the same schedule.
    pinned = [
        'param_scheduler.segmentor.0.end=4',
        'param_scheduler.discriminator.0.end=4'
    ]
    full = str(tmp_path / 'full')
    run_tool('train.py', [ADAPTSEGNET, '--work-dir', full, '--cfg-options'] +
             cpu_options(4) + pinned, toy_workspace)
    part = str(tmp_path / 'part')
    run_tool('train.py', [ADAPTSEGNET, '--work-dir', part, '--cfg-options'] +
             cpu_options(2) + pinned, toy_workspace)
    proc = run_tool(
        'train.py',
        [ADAPTSEGNET, '--work-dir', part, '--resume', '--cfg-options'] +
        cpu_options(4) + pinned, toy_workspace)
    assert 'resumed' in (proc.stdout + proc.stderr).lower()

    expected, resumed = _final_state(full, 4), _final_state(part, 4)
    assert resumed['meta']['iter'] == expected['meta']['iter'] == 4
    assert set(resumed['state_dict']) == set(expected['state_dict'])
    for key, value in expected['state_dict'].items():
        torch.testing.assert_close(resumed['state_dict'][key], value, msg=key)
    for name in ('segmentor', 'discriminator'):
        assert name in resumed['optimizer']
    for key in ('segmentor', 'discriminator'):
        assert (resumed['param_schedulers'][key][0]['last_step'] ==
                expected['param_schedulers'][key][0]['last_step'])


def test_num_classes_mismatch_stops_training(toy_workspace, tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            osp.join(REPO_ROOT, 'tools', 'train.py'), SOURCE_ONLY,
            '--work-dir',
            str(tmp_path), '--cfg-options', 'model.decode_head.num_classes=13'
        ] + cpu_options(2),
        cwd=toy_workspace,
        capture_output=True,
        text=True)
    assert proc.returncode != 0
    assert 'num_classes=19' in proc.stderr


def test_amp_flag_falls_back_on_cpu(toy_workspace, tmp_path):
    if torch.cuda.is_available():
        pytest.skip('the fallback is for CPU-only machines')
    proc = run_tool(
        'train.py',
        [ADAPTSEGNET, '--work-dir',
         str(tmp_path), '--amp', '--cfg-options'] + cpu_options(1),
        toy_workspace)
    assert 'AMP needs a CUDA device' in proc.stdout + proc.stderr


def test_class_check_survives_a_configs_own_custom_hooks(
        toy_workspace, tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            osp.join(REPO_ROOT, 'tools', 'train.py'), SOURCE_ONLY,
            '--work-dir',
            str(tmp_path), '--cfg-options', 'model.decode_head.num_classes=13',
            'custom_hooks=[]'
        ] + cpu_options(2),
        cwd=toy_workspace,
        capture_output=True,
        text=True)
    assert proc.returncode != 0
    assert 'num_classes=19' in proc.stderr
    assert 'out of bounds' not in proc.stderr


def copy_toy(toy_workspace: str, tmp_path) -> str:
    shutil.copytree(osp.join(toy_workspace, 'data'), tmp_path / 'data')
    return str(tmp_path)


def failed_training(cwd: str, work_dir: str) -> str:
    proc = subprocess.run(
        [
            sys.executable,
            osp.join(REPO_ROOT, 'tools', 'train.py'), ADAPTSEGNET,
            '--work-dir', work_dir, '--cfg-options'
        ] + cpu_options(2),
        cwd=cwd,
        capture_output=True,
        text=True)
    assert proc.returncode != 0
    return proc.stderr


def test_empty_target_folder_is_named_before_training(toy_workspace,
                                                      tmp_path):
    root = copy_toy(toy_workspace, tmp_path)
    folder = osp.join(root, 'data/toy/cityscapes/leftImg8bit/train')
    shutil.rmtree(folder)
    os.makedirs(folder)
    stderr = failed_training(root, str(tmp_path / 'work'))
    assert 'need at least one array' not in stderr
    assert ('DatasetNotFoundError: UDADataset target '
            "(CityscapesDataset): no image ending in '_leftImg8bit.png' "
            'under data/toy/cityscapes/leftImg8bit/train (the folder is '
            'empty)') in stderr
    assert 'generate_toy_benchmark.py' in stderr
    assert not osp.exists(tmp_path / 'work')  # stopped before the runner


def test_damaged_image_in_training_names_the_fixes(toy_workspace, tmp_path):
    root = copy_toy(toy_workspace, tmp_path)
    for path in glob.glob(
            osp.join(root, 'data/toy/cityscapes/leftImg8bit/train/*/*.png')):
        with open(path, 'rb') as f:
            content = f.read()
        with open(path, 'wb') as f:
            f.write(content[:len(content) // 2])
    stderr = failed_training(root, str(tmp_path / 'work'))
    assert 'UnreadableFileError: UDADataset (target): cannot load a ' \
        'sample, data/toy/cityscapes/leftImg8bit/train/' in stderr
    assert 'tools/analysis_tools/check_dataset.py CONFIG' in stderr
    assert 'skip_unreadable=True' in stderr
