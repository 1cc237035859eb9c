"""tools/analysis_tools/summarize_seeds.py on hand-written stage records."""
import json

import pytest
from uda_test_utils import load_tool


def write_record(root, seed, stage, metrics=None):
    folder = root / f'seed{seed}' / 'stages'
    folder.mkdir(parents=True, exist_ok=True)
    record = dict(type='test' if metrics else 'train')
    if metrics:
        record['metrics'] = metrics
    (folder / f'{stage}.json').write_text(json.dumps(record))


def test_table_over_seeds_with_mean_and_sample_std(tmp_path, capsys):
    tool = load_tool('analysis_tools/summarize_seeds')
    for seed, value in enumerate([40.0, 42.0, 44.0]):
        write_record(tmp_path, seed, 'test_final', dict(mIoU=value))
        write_record(tmp_path, seed, 'final')  # a training: no metrics
    write_record(tmp_path, 0, 'test_extra', dict(mIoU=10.0))
    (tmp_path / 'seedless').mkdir()  # not a seed<S> folder: ignored

    results = tool.main([str(tmp_path), '--out', str(tmp_path / 'r.json')])
    assert results == {
        'test_final': {0: 40.0, 1: 42.0, 2: 44.0},
        'test_extra': {0: 10.0}
    }
    out = capsys.readouterr().out
    assert '| test_final | 40.00 | 42.00 | 44.00 | 42.00 +- 2.00 |' in out
    assert '| test_extra | 10.00 | - | - | 10.00 |' in out
    with open(tmp_path / 'r.json') as f:
        assert json.load(f)['test_final'] == {'0': 40.0, '1': 42.0, '2': 44.0}


def test_missing_seeds_and_stages_are_explained(tmp_path):
    tool = load_tool('analysis_tools/summarize_seeds')
    with pytest.raises(FileNotFoundError, match='run_pipeline.py'):
        tool.main([str(tmp_path)])
    write_record(tmp_path, 0, 'test_final', dict(mIoU=1.0))
    with pytest.raises(KeyError, match='test_final'):
        tool.main([str(tmp_path), '--stages', 'test_other'])
