"""tools/slurm_{train,test}.sh pass mmseg's arguments on to srun."""
import json
import os
import os.path as osp
import subprocess

from uda_test_utils import REPO_ROOT

# Stands in for srun: records its arguments and PYTHONPATH as json.
FAKE_SRUN = '''#!/usr/bin/env python3
import json, os, sys
with open(os.environ['SRUN_RECORD'], 'w') as f:
    json.dump(dict(argv=sys.argv[1:],
                   pythonpath=os.environ.get('PYTHONPATH', '')), f)
'''


def run_script(tmp_path, script, args, **env):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    srun = bin_dir / 'srun'
    srun.write_text(FAKE_SRUN)
    srun.chmod(0o755)
    record = tmp_path / 'srun.json'
    env = dict(
        os.environ,
        PATH=f'{bin_dir}{os.pathsep}{os.environ["PATH"]}',
        SRUN_RECORD=str(record),
        **env)
    proc = subprocess.run(
        ['bash', osp.join(REPO_ROOT, 'tools', script)] + args,
        env=env,
        capture_output=True,
        text=True)
    assert proc.returncode == 0, proc.stderr
    with open(record) as f:
        return json.load(f)


def test_slurm_train(tmp_path):
    called = run_script(
        tmp_path,
        'slurm_train.sh', ['gpu', 'fada', 'a config.py', '--amp', '--resume'],
        GPUS='8',
        GPUS_PER_NODE='4',
        SRUN_ARGS='--time=1:00:00 --mem=0')
    tools = osp.join(REPO_ROOT, 'tools')
    assert called['argv'] == [
        '-p', 'gpu', '--job-name=fada', '--gres=gpu:4', '--ntasks=8',
        '--ntasks-per-node=4', '--cpus-per-task=5', '--kill-on-bad-exit=1',
        '--time=1:00:00', '--mem=0', 'python', '-u',
        osp.join(tools, 'train.py'), '--launcher=slurm', 'a config.py',
        '--amp', '--resume'
    ]
    assert called['pythonpath'].split(os.pathsep)[0] == osp.join(tools, '..')


def test_slurm_test(tmp_path):
    called = run_script(tmp_path, 'slurm_test.sh',
                        ['gpu', 'eval', 'cfg.py', 'ckpt.pth', '--tta'])
    assert called['argv'] == [
        '-p', 'gpu', '--job-name=eval', '--gres=gpu:4', '--ntasks=4',
        '--ntasks-per-node=4', '--cpus-per-task=5', '--kill-on-bad-exit=1',
        'python', '-u',
        osp.join(REPO_ROOT, 'tools', 'test.py'), '--launcher=slurm',
        'cfg.py', 'ckpt.pth', '--tta'
    ]
