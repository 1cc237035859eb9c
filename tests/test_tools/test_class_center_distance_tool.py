"""tools/analysis_tools/class_center_distance.py on the tiny toy benchmark."""
import json
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmseg.registry import MODELS
from uda_test_utils import REPO_ROOT, load_tool

CONFIG = osp.join(REPO_ROOT, 'configs', 'fada', 'fada_r18_toy-gta2cs.py')


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    """A randomly initialised toy segmentor saved as a plain checkpoint."""
    cfg = Config.fromfile(CONFIG)
    torch.manual_seed(0)
    segmentor = MODELS.build(cfg.model.segmentor)
    segmentor.init_weights()
    path = str(tmp_path_factory.mktemp('ccd') / 'segmentor.pth')
    torch.save({'state_dict': segmentor.state_dict()}, path)
    return path


def test_ccd_of_source_target_and_joint_features(toy_workspace, checkpoint,
                                                 tmp_path, monkeypatch):
    monkeypatch.chdir(toy_workspace)
    out = str(tmp_path / 'ccd.json')
    results = load_tool('analysis_tools/class_center_distance').main([
        CONFIG, checkpoint, '--num-samples', '3', '--num-workers', '0',
        '--out', out
    ])
    assert set(results) == {'source', 'target', 'joint'}
    with open(out) as f:
        assert json.load(f) == results
    for domain in ('source', 'target'):
        pixels = results[domain]['pixels']
        # 3 images of 64x32 at 128x64 input, features at 1/8: 16x8 each
        assert 0 < sum(pixels.values()) <= 3 * 16 * 8
        present = [c for c, n in pixels.items() if n > 0]
        assert len(present) >= 2
        values = [results[domain]['ccd'][c] for c in present]
        assert all(v is not None and v >= 0 for v in values)
        assert results[domain]['mean_ccd'] == pytest.approx(np.mean(values))
    joint = results['joint']['pixels']
    assert all(joint[c] == results['source']['pixels'][c] +
               results['target']['pixels'][c] for c in joint)


def test_unlabelled_dataset_is_refused(toy_workspace, checkpoint, monkeypatch):
    monkeypatch.chdir(toy_workspace)
    with pytest.raises(ValueError, match='loads no labels'):
        load_tool('analysis_tools/class_center_distance').main([
            CONFIG, checkpoint, '--num-samples', '1', '--num-workers', '0',
            '--target-dataset', 'train_dataloader.dataset.target'
        ])
