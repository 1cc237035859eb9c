"""tools/analysis_tools/summarize_logs.py on hand-written scalar logs."""
import importlib.util
import json
import os.path as osp

import pytest
from uda_test_utils import REPO_ROOT


def load_tool():
    spec = importlib.util.spec_from_file_location(
        'summarize_logs',
        osp.join(REPO_ROOT, 'tools', 'analysis_tools', 'summarize_logs.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_log(folder, records):
    folder.mkdir(parents=True)
    with open(folder / 'scalars.json', 'w') as f:
        f.writelines(json.dumps(r) + '\n' for r in records)


def test_window_means_and_a_resumed_run_overrides(tmp_path, capsys):
    tool = load_tool()
    write_log(
        tmp_path / '20260101_000000' / 'vis_data',
        [
            {
                'iter': 1,
                'acc_disc.source': 0.5,
                'loss': 1.
            },
            {
                'iter': 2,
                'acc_disc.source': 0.7,
                'acc_disc.target': 0.1
            },
            {
                'iter': 3,
                'acc_disc.source': 9.
            },  # redone by the resumed run
        ])
    write_log(
        tmp_path / '20260101_010000' / 'vis_data',
        [
            {
                'iter': 3,
                'acc_disc.source': 0.9
            },
            {
                'iter': 4,
                'acc_disc.source': 1.0,
                'acc_disc.target': 0.3
            },
            {
                'iter': 4,
                'mIoU': 40.0,
                'step': 4
            },  # the validation line
        ])
    summaries = tool.main([str(tmp_path), '--window', '2', '--keys', 'acc'])
    assert summaries[str(tmp_path)] == {
        'acc_disc.source': {
            '1-2': pytest.approx(0.6),
            '3-4': pytest.approx(0.95)
        },
        'acc_disc.target': {
            '1-2': pytest.approx(0.1),
            '3-4': pytest.approx(0.3)
        },
    }
    assert 'acc_disc.source  1-2: 0.600  3-4: 0.950' in capsys.readouterr().out


def test_a_folder_without_logs_says_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match='scalars.json'):
        load_tool().main([str(tmp_path)])


def test_mean_over_runs_of_one_setting(tmp_path, capsys):
    tool = load_tool()
    for seed, values in ((0, (0.5, 0.9)), (1, (0.7, 0.5))):
        write_log(tmp_path / f'seed{seed}' / '20260101_000000' / 'vis_data',
                  [{
                      'iter': i + 1,
                      'acc_disc.target': v
                  } for i, v in enumerate(values)])
    # a third run that stopped after the first window
    write_log(tmp_path / 'seed2' / '20260101_000000' / 'vis_data',
              [{
                  'iter': 1,
                  'acc_disc.target': 0.9
              }])
    runs = [str(tmp_path / f'seed{s}') for s in range(3)]
    summaries = tool.main(runs + ['--window', '1', '--mean'])
    mean = summaries['mean']['acc_disc.target']
    assert list(mean) == ['1-1', '2-2']
    assert mean['1-1'] == (pytest.approx(0.7), pytest.approx(0.2))
    assert mean['2-2'] == (pytest.approx(0.7), pytest.approx(0.08**0.5))
    out = capsys.readouterr().out
    assert 'mean +- std over 3 runs' in out
    assert 'acc_disc.target  1-1: 0.700 +- 0.200' in out
