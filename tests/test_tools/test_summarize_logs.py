"""tools/analysis_tools/summarize_logs.py on hand-written scalar logs."""
import json

import pytest
from uda_test_utils import load_tool


def write_log(folder, records):
    folder.mkdir(parents=True)
    with open(folder / 'scalars.json', 'w') as f:
        f.writelines(json.dumps(r) + '\n' for r in records)


def test_window_means_and_a_resumed_run_overrides(tmp_path, capsys):
    tool = load_tool('analysis_tools/summarize_logs')
    write_log(
        tmp_path / '20260101_000000' / 'vis_data',
        [
            {
                'iter': 1,
                'acc_disc.features.source': 0.5,
                'loss.segmentor': 1.
            },
            {
                'iter': 2,
                'acc_disc.features.source': 0.7,
                'acc_disc.features.target': 0.1
            },
            {
                'iter': 3,
                'acc_disc.features.source': 9.
            },  # redone by the resumed run
        ])
    write_log(
        tmp_path / '20260101_010000' / 'vis_data',
        [
            {
                'iter': 3,
                'acc_disc.features.source': 0.9
            },
            {
                'iter': 4,
                'acc_disc.features.source': 1.0,
                'acc_disc.features.target': 0.3
            },
            {
                'iter': 4,
                'mIoU': 40.0,
                'step': 4
            },  # the validation line
        ])
    summaries = tool.main([str(tmp_path), '--window', '2', '--keys', 'acc'])
    assert summaries[str(tmp_path)] == {
        'acc_disc.features.source': {
            '1-2': pytest.approx(0.6),
            '3-4': pytest.approx(0.95)
        },
        'acc_disc.features.target': {
            '1-2': pytest.approx(0.1),
            '3-4': pytest.approx(0.3)
        },
    }
    assert ('acc_disc.features.source  1-2: 0.600  3-4: 0.950'
            in capsys.readouterr().out)


def test_a_folder_without_logs_says_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match='scalars.json'):
        load_tool('analysis_tools/summarize_logs').main([str(tmp_path)])


def test_mean_over_runs_of_one_setting(tmp_path, capsys):
    tool = load_tool('analysis_tools/summarize_logs')
    for seed, values in ((0, (0.5, 0.9)), (1, (0.7, 0.5))):
        write_log(tmp_path / f'seed{seed}' / '20260101_000000' / 'vis_data',
                  [{
                      'iter': i + 1,
                      'acc_disc.features.target': v
                  } for i, v in enumerate(values)])
    # a third run that stopped after the first window
    write_log(tmp_path / 'seed2' / '20260101_000000' / 'vis_data',
              [{
                  'iter': 1,
                  'acc_disc.features.target': 0.9
              }])
    runs = [str(tmp_path / f'seed{s}') for s in range(3)]
    summaries = tool.main(runs + ['--window', '1', '--mean'])
    mean = summaries['mean']['acc_disc.features.target']
    assert list(mean) == ['1-1', '2-2']
    assert mean['1-1'] == (pytest.approx(0.7), pytest.approx(0.2))
    assert mean['2-2'] == (pytest.approx(0.7), pytest.approx(0.08**0.5))
    out = capsys.readouterr().out
    assert 'mean +- std over 3 runs' in out
    assert 'acc_disc.features.target  1-1: 0.700 +- 0.200' in out


def test_keys_of_the_log_contract_and_plain_loss(tmp_path):
    """UDA totals per optimizer, per-term keys, and a stock segmentor's (or
    an older log's) plain ``loss``."""
    tool = load_tool('analysis_tools/summarize_logs')
    uda = {
        'loss.segmentor': 2.,
        'loss.discriminator': 1.,
        'source.decode.loss_ce': 1.5,
        'loss_adv.features': 0.5,
        'loss_disc.features.source': 0.6,
        'loss_disc.features.target': 0.4,
        'acc_disc.features.source': 0.9,
        'acc_disc.features.target': 0.8,
    }
    write_log(tmp_path / 'fada' / '20260101_000000' / 'vis_data',
              [dict(uda, iter=1), dict(uda, iter=2)])
    write_log(tmp_path / 'source_only' / '20260101_000000' / 'vis_data', [{
        'iter': 1,
        'loss': 3.,
        'decode.loss_ce': 3.
    }])
    fada, source_only = str(tmp_path / 'fada'), str(tmp_path / 'source_only')

    def summary(work_dir, *keys):
        args = [work_dir, '--window', '2']
        if keys:
            args += ['--keys', *keys]
        return tool.main(args)[work_dir]

    assert summary(fada) == {
        'acc_disc.features.source': {
            '1-2': pytest.approx(0.9)
        },
        'acc_disc.features.target': {
            '1-2': pytest.approx(0.8)
        }
    }
    assert summary(fada, 'loss.') == {
        'loss.discriminator': {
            '1-2': 1.
        },
        'loss.segmentor': {
            '1-2': 2.
        }
    }
    assert list(summary(fada, 'loss_disc', 'source.')) == [
        'loss_disc.features.source', 'loss_disc.features.target',
        'source.decode.loss_ce'
    ]
    assert list(summary(fada, 'loss')) == [
        'loss.discriminator', 'loss.segmentor', 'loss_adv.features',
        'loss_disc.features.source', 'loss_disc.features.target'
    ]
    assert summary(source_only, 'loss') == {'loss': {'1-2': 3.}}
