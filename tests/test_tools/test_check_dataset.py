"""tools/analysis_tools/check_dataset.py on the tiny toy benchmark."""
import glob
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import cv2
import numpy as np
import pytest
from uda_test_utils import REPO_ROOT

TOOL = osp.join(REPO_ROOT, 'tools', 'analysis_tools', 'check_dataset.py')
ADAPTSEGNET = osp.join(REPO_ROOT,
                       'configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py')
UNKNOWN_ID = 200  # Cityscapes labelIds are 0-33


def run_check(cwd: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, TOOL, ADAPTSEGNET, *args],
                          cwd=cwd,
                          capture_output=True,
                          text=True)


@pytest.fixture
def broken_toy(toy_workspace, tmp_path):
    """A copy of the toy data with one file broken in each of 3 datasets.

    Returns the workspace and the three broken files (relative to it).
    """
    shutil.copytree(osp.join(toy_workspace, 'data'), tmp_path / 'data')
    root = str(tmp_path)

    # target train (unlabelled): a truncated image
    truncated = sorted(
        glob.glob(f'{root}/data/toy/cityscapes/leftImg8bit/train/*/*.png'))[0]
    with open(truncated, 'rb') as f:
        content = f.read()
    with open(truncated, 'wb') as f:
        f.write(content[:len(content) // 2])

    # source train: a label 8 pixels wider than its image
    wrong_size = f'{root}/data/toy/gta5/labels/00000.png'
    label = cv2.imread(wrong_size, cv2.IMREAD_UNCHANGED)
    cv2.imwrite(wrong_size, np.pad(label, ((0, 0), (0, 8)), mode='edge'))

    # target val: a label holding an id no Cityscapes mapping knows
    unknown = sorted(
        glob.glob(f'{root}/data/toy/cityscapes/gtFine/val/*/*.png'))[0]
    label = cv2.imread(unknown, cv2.IMREAD_UNCHANGED)
    label[:4, :5] = UNKNOWN_ID
    cv2.imwrite(unknown, label)
    broken = [osp.relpath(p, root) for p in (truncated, wrong_size, unknown)]
    return root, broken


def test_clean_toy_passes(toy_workspace, tmp_path):
    out = str(tmp_path / 'report.json')
    proc = run_check(toy_workspace, '--out', out)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert 'All files are readable and consistent.' in proc.stdout
    with open(out) as f:
        report = json.load(f)
    assert report['ok']
    names = [entry['names'] for entry in report['datasets']]
    # both domains of the UDADataset, val and test (the same set) once
    assert names == [['train_dataloader.dataset.source'],
                     ['train_dataloader.dataset.target'],
                     ['val_dataloader.dataset', 'test_dataloader.dataset']]
    assert [entry['num_samples'] for entry in report['datasets']] == [8, 8, 4]
    # labels are checked where the pipelines load them, with their mapping
    assert report['datasets'][0]['labels']['label_mapping'] == 'cityscapes'
    assert report['datasets'][1]['labels'] is None
    assert report['datasets'][2]['labels']['loader'] == 'LoadUDAAnnotations'


def test_broken_toy_names_the_three_files(broken_toy, tmp_path):
    root, (truncated, wrong_size, unknown) = broken_toy
    out = str(tmp_path / 'report.json')
    proc = run_check(root, '--nproc', '2', '--out', out)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert '3 problem(s) of 3 kind(s):' in proc.stdout
    problems = proc.stdout.split('3 problem(s) of 3 kind(s):')[1]
    for kind in ('image cannot be decoded: 1',
                 'label size differs from its image: 1',
                 'label holds unknown ids: 1'):
        assert f'\n{kind}\n' in problems
    assert f'{truncated}: image cannot be decoded' in problems
    assert f'{wrong_size}: label is 72x32 (WxH)' in problems
    assert f'{unknown}: label holds unknown ids (id: pixels) ' \
        f'{UNKNOWN_ID}: 20' in problems
    assert problems.count('fix: ') == 3
    assert 'skip_unreadable=True' in problems
    assert "size_mismatch='resize'" in problems

    with open(out) as f:
        report = json.load(f)
    assert not report['ok']
    bad = {
        osp.normpath(item['file']): entry['names'][0]
        for entry in report['datasets']
        for sample in entry['files']
        for item in sample['errors']
    }
    assert bad == {
        wrong_size: 'train_dataloader.dataset.source',
        truncated: 'train_dataloader.dataset.target',
        unknown: 'val_dataloader.dataset'
    }
    unknown_counts = [
        sample['unknown_ids'] for entry in report['datasets']
        for sample in entry['files'] if sample['unknown_ids']
    ]
    assert unknown_counts == [{str(UNKNOWN_ID): 20}]


def test_resized_labels_are_warnings(broken_toy, tmp_path):
    root, (_, wrong_size, _) = broken_toy
    out = str(tmp_path / 'report.json')
    run_check(
        root, '--out', out, '--cfg-options',
        'train_dataloader.dataset.source.pipeline.1.size_mismatch='
        'resize')
    with open(out) as f:
        source = json.load(f)['datasets'][0]
    assert [s['seg_map_path'] for s in source['files']] == [wrong_size]
    assert not source['files'][0]['errors']
    assert 'resized in training' in source['files'][0]['warnings'][0][
        'problem']


def test_missing_dataset_is_reported(toy_workspace, tmp_path):
    proc = run_check(
        toy_workspace, '--cfg-options',
        f'train_dataloader.dataset.source.data_root={tmp_path}/nowhere')
    assert proc.returncode == 1
    assert 'GTA5 data root not found' in proc.stdout


def test_one_fault_does_not_hide_the_others(toy_workspace, tmp_path):
    shutil.copytree(osp.join(toy_workspace, 'data'), tmp_path / 'data')
    root = str(tmp_path)
    gta5 = f'{root}/data/toy/gta5'
    # a missing label: the source dataset cannot be built
    missing = f'{gta5}/labels/00001.png'
    os.remove(missing)
    # and, behind it, two truncated images and an empty label
    truncated = [f'{gta5}/images/00002.png', f'{gta5}/images/00003.png']
    for path in truncated:
        with open(path, 'rb') as f:
            content = f.read()
        with open(path, 'wb') as f:
            f.write(content[:len(content) // 3])
    empty = f'{gta5}/labels/00004.png'
    open(empty, 'wb').close()
    out = str(tmp_path / 'report.json')
    proc = run_check(root, '--out', out)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    stdout = proc.stdout
    assert 'cannot build the dataset' in stdout
    assert 'dataset cannot be built: 1' in stdout
    assert 'have no label' in stdout  # the dataset's own message
    assert 'label missing: 1' in stdout
    assert 'data/toy/gta5/labels/00001.png: label missing' in stdout
    assert 'image cannot be decoded: 2' in stdout
    for path in truncated:
        assert f'{osp.relpath(path, root)}: image cannot be decoded' in stdout
    assert 'label empty: 1' in stdout
    assert f'{osp.relpath(empty, root)}: label empty (0 bytes)' in stdout
    with open(out) as f:
        report = json.load(f)
    assert report['faults']['image cannot be decoded']['count'] == 2
    assert report['faults']['label missing']['count'] == 1
    assert 'skip_unreadable=True' in report['faults']['label empty']['fix']


def test_many_faults_of_a_kind_are_counted_and_the_first_named(
        toy_workspace, tmp_path):
    shutil.copytree(osp.join(toy_workspace, 'data'), tmp_path / 'data')
    root = str(tmp_path)
    images = sorted(
        glob.glob(f'{root}/data/toy/cityscapes/leftImg8bit/train/*/*.png'))
    for path in images:  # 8 empty target images
        open(path, 'wb').close()
    proc = run_check(root)
    assert proc.returncode == 1
    assert 'image empty: 8' in proc.stdout
    assert proc.stdout.count(': image empty (0 bytes)') == 5
    assert '... and 3 more (all of them with --out)' in proc.stdout


@pytest.mark.parametrize('fault', ['empty_folder', 'empty_split'])
def test_empty_inputs_are_named_with_the_fix(fault, toy_workspace, tmp_path):
    shutil.copytree(osp.join(toy_workspace, 'data'), tmp_path / 'data')
    root = str(tmp_path)
    if fault == 'empty_folder':
        folder = f'{root}/data/toy/cityscapes/leftImg8bit/train'
        shutil.rmtree(folder)
        os.makedirs(folder)
        expected = [
            "no image ending in '_leftImg8bit.png' under "
            'data/toy/cityscapes/leftImg8bit/train (the folder is empty)',
            'generate_toy_benchmark.py'
        ]
    else:
        open(f'{root}/data/toy/gta5/train.txt', 'w').close()
        expected = [
            'split file data/toy/gta5/train.txt is empty',
            "set ann_file=''"
        ]
    proc = run_check(root)
    assert proc.returncode == 1
    assert 'need at least one array' not in proc.stdout + proc.stderr
    for text in expected:
        assert text in proc.stdout, proc.stdout[-3000:]
