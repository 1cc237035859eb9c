"""tools/gen_pseudo_labels.py on the tiny toy benchmark."""
import json
import os.path as osp
import socket
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS, MODELS
from uda_test_utils import REPO_ROOT, load_tool, toy_segmentor_cfg

from mmseg_uda.apis.pseudo_labels import build_labelling_dataset, build_policy

TOOL = osp.join(REPO_ROOT, 'tools', 'gen_pseudo_labels.py')
TARGET_ROOT = 'data/toy/cityscapes'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


gen_pseudo_labels = load_tool('gen_pseudo_labels')


def _write_config(folder, model_cfg):
    """A toy-benchmark config around ``model_cfg``, without workers."""
    path = osp.join(folder, f'{model_cfg["type"].lower()}.py')
    base = [
        osp.join(REPO_ROOT, 'configs/_base_/datasets/toy_gta2cs.py'),
        osp.join(REPO_ROOT, 'configs/_base_/default_runtime.py')
    ]
    with open(path, 'w') as f:
        f.write(f'_base_ = {base!r}\nmodel = {model_cfg!r}\n')
    return path


@pytest.fixture(scope='module')
def labeller(tmp_path_factory):
    """Config and checkpoint of a tiny randomly initialised segmentor."""
    folder = str(tmp_path_factory.mktemp('labeller'))
    config = _write_config(folder, toy_segmentor_cfg())
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = MODELS.build(toy_segmentor_cfg())
    model.init_weights()
    checkpoint = osp.join(folder, 'segmentor.pth')
    torch.save(dict(state_dict=model.state_dict(), meta={}), checkpoint)
    return config, checkpoint, model


def _labels(folder):
    return {
        osp.relpath(path, folder): cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        for path in sorted(Path(folder).rglob('*_pseudo.png'))
    }


def _same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def _pseudo_label_dataset(out_dir):
    """The dataset snippet the tool documents, with LoadAnnotations."""
    init_default_scope('mmseg')
    return DATASETS.build(
        dict(
            type='CityscapesDataset',
            data_root=TARGET_ROOT,
            data_prefix=dict(
                img_path='leftImg8bit/train', seg_map_path=out_dir),
            seg_map_suffix='_pseudo.png',
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations'),
                dict(type='PackSegInputs')
            ]))


def test_labels_are_the_predictions_and_load_in_training(
        toy_workspace, tmp_path, monkeypatch, labeller):
    monkeypatch.chdir(toy_workspace)
    config, checkpoint, model = labeller
    out_dir = str(tmp_path / 'labels')
    summary = gen_pseudo_labels.main([
        config, checkpoint, '--out-dir', out_dir, '--policy', 'mpt',
        '--threshold', '0', '--num-workers', '0'
    ])
    labels = _labels(out_dir)
    assert len(labels) == 8 and summary['kept_fraction'] == 1.0
    # mirrored layout: <city>/<city>_<index>_000019_pseudo.png
    assert all(
        name.endswith('_000019_pseudo.png') and osp.dirname(name)
        for name in labels)
    # threshold 0 keeps everything: each label is the model's argmax through
    # the config's test pipeline (resized to the model's input size and the
    # prediction back to the image size)
    inference = build_labelling_dataset(
        Config.fromfile(config), 'target_train_dataset')
    model.eval()
    predictions = {}
    for i in range(len(inference)):
        sample = inference[i]
        prediction = model.test_step(
            dict(
                inputs=[sample['inputs']],
                data_samples=[sample['data_samples']]))[0]
        name = osp.relpath(sample['data_samples'].img_path,
                           inference.data_prefix['img_path'])
        predictions[name.replace('_leftImg8bit.png', '_pseudo.png')] = (
            prediction.pred_sem_seg.data[0].numpy())
    assert _same(labels, predictions)
    # the documented dataset snippet reads them, at the image size
    dataset = _pseudo_label_dataset(out_dir)
    assert len(dataset) == 8
    for i in range(len(dataset)):
        sample = dataset[i]['data_samples']
        name = osp.relpath(sample.seg_map_path, out_dir)
        np.testing.assert_array_equal(sample.gt_sem_seg.data[0].numpy(),
                                      labels[name])
        assert labels[name].shape == sample.ori_shape

    # running again resumes: nothing left to label
    summary = gen_pseudo_labels.main([
        config, checkpoint, '--out-dir', out_dir, '--num-workers', '0',
        '--threshold', '0'
    ])
    assert summary['num_skipped'] == 8 and summary['num_labelled'] == 0


def test_uda_config_and_uda_checkpoint(toy_workspace, tmp_path, monkeypatch,
                                       labeller):
    """A UDA config labels like its segmentor; UDA checkpoints load."""
    monkeypatch.chdir(toy_workspace)
    config, checkpoint, model = labeller
    uda_config = _write_config(
        str(tmp_path),
        dict(type='SelfTraining', segmentor=toy_segmentor_cfg()))
    uda_checkpoint = str(tmp_path / 'uda.pth')
    torch.save(
        dict(state_dict={
            f'segmentor.model.{k}': v
            for k, v in model.state_dict().items()
        }), uda_checkpoint)
    outputs = []
    runs = dict(
        plain_config=(config, uda_checkpoint),
        uda_config=(uda_config, checkpoint))
    for name, (cfg, ckpt) in runs.items():
        out_dir = str(tmp_path / name)
        gen_pseudo_labels.main([
            cfg, ckpt, '--out-dir', out_dir, '--policy', 'class-median',
            '--num-workers', '0'
        ])
        outputs.append(_labels(out_dir))
        assert osp.isfile(osp.join(out_dir, 'statistics.npz'))
        with open(osp.join(out_dir, 'pseudo_labels.json')) as f:
            info = json.load(f)
        assert info['policy']['type'] == 'ClassMedianThreshold'
        assert info['status'] == 'complete'
    assert len(outputs[0]) == 8 and _same(*outputs)


def test_bad_arguments(toy_workspace, tmp_path, monkeypatch, labeller):
    monkeypatch.chdir(toy_workspace)
    config, checkpoint, _ = labeller
    out_dir = str(tmp_path / 'labels')
    with pytest.raises(KeyError, match='target_val_dataset'):
        gen_pseudo_labels.main(
            [config, checkpoint, '--out-dir', out_dir, '--dataset', 'nope'])
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        gen_pseudo_labels.main(
            [config,
             str(tmp_path / 'missing.pth'), '--out-dir', out_dir])
    with pytest.raises(ValueError, match='threshold'):
        build_policy('argmax', 0.5)
    assert build_policy('class-median', 0.8) == dict(
        type='ClassMedianThreshold', max_threshold=0.8)
    cfg = Config.fromfile(config)
    assert build_labelling_dataset(
        cfg, 'target_train_dataset').data_prefix.get('seg_map_path') is None


def test_two_processes_label_disjoint_shards(toy_workspace, tmp_path,
                                             monkeypatch, labeller):
    """``--launcher pytorch``: per-class statistics are summed over ranks."""
    monkeypatch.chdir(toy_workspace)
    config, checkpoint, _ = labeller
    single = str(tmp_path / 'single')
    gen_args = [
        config, checkpoint, '--policy', 'class-median', '--num-workers', '0'
    ]
    gen_pseudo_labels.main(gen_args + ['--out-dir', single])
    double = str(tmp_path / 'double')
    proc = subprocess.run(
        [
            sys.executable, '-m', 'torch.distributed.run',
            '--nproc_per_node=2', f'--master_port={_free_port()}', TOOL
        ] + gen_args + ['--out-dir', double, '--launcher', 'pytorch'],
        cwd=toy_workspace,
        capture_output=True,
        text=True,
        timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # rank 0 reports the counts summed over both shards
    assert '8 images labelled, 0 already there' in proc.stdout
    single_labels, double_labels = _labels(single), _labels(double)
    assert len(double_labels) == 8 and _same(single_labels, double_labels)
    np.testing.assert_array_equal(
        np.load(osp.join(single, 'statistics.npz'))['histogram'],
        np.load(osp.join(double, 'statistics.npz'))['histogram'])
