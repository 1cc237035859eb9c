"""Every method folder has an mmseg-style metafile.yaml that is correct."""
import glob
import numbers
import os.path as osp
from typing import List

import pytest
import yaml
from uda_test_utils import REPO_ROOT

CONFIG_ROOT = osp.join(REPO_ROOT, 'configs')
METAFILES = sorted(glob.glob(osp.join(CONFIG_ROOT, '*', 'metafile.yaml')))
METHOD_FOLDERS = sorted(
    osp.basename(d) for d in glob.glob(osp.join(CONFIG_ROOT, '*'))
    if osp.isdir(d) and osp.basename(d) != '_base_')
#: How a result says where its numbers come from.
SOURCES = ('paper-reported', 'measured')


def metafile_problems(path: str, repo_root: str = REPO_ROOT) -> List[str]:
    """Everything wrong with one metafile (empty when it is correct)."""
    with open(path) as f:
        meta = yaml.safe_load(f)
    problems = []
    collections = {c.get('Name'): c for c in meta.get('Collections') or []}
    if not collections:
        problems.append('no Collections')
    for name, collection in collections.items():
        paper = collection.get('Paper') or {}
        if not (paper.get('Title') and paper.get('URL')):
            problems.append(f'collection {name}: no Paper Title / URL')
        readme = collection.get('README')
        if not readme or not osp.isfile(osp.join(repo_root, readme)):
            problems.append(f'collection {name}: README {readme} not found')
    models = meta.get('Models') or []
    if not models:
        problems.append('no Models')
    for model in models:
        name = model.get('Name')
        config = model.get('Config') or ''
        if not osp.isfile(osp.join(repo_root, config)):
            problems.append(f'{name}: config {config!r} does not exist')
        elif osp.splitext(osp.basename(config))[0] != name:
            problems.append(f'{name}: Name differs from config {config}')
        if model.get('In Collection') not in collections:
            problems.append(f'{name}: unknown collection '
                            f'{model.get("In Collection")!r}')
        if not model.get('Paper'):
            problems.append(f'{name}: no Paper')
        if not (model.get('Metadata') or {}).get('Training Data'):
            problems.append(f'{name}: no Metadata.Training Data')
        for result in model.get('Results') or []:
            if result.get('Source') not in SOURCES:
                problems.append(f'{name}: result Source must be one of '
                                f'{SOURCES}, got {result.get("Source")!r}')
            metrics = result.get('Metrics') or {}
            if not metrics or not all(
                    isinstance(v, numbers.Number) for v in metrics.values()):
                problems.append(f'{name}: Metrics must be numbers')
            if not (result.get('Task') and result.get('Dataset')):
                problems.append(f'{name}: result without Task / Dataset')
    return problems


@pytest.mark.parametrize('folder', METHOD_FOLDERS)
def test_every_method_folder_has_a_metafile(folder):
    path = osp.join(CONFIG_ROOT, folder, 'metafile.yaml')
    assert osp.isfile(path), (
        f'configs/{folder} has no metafile.yaml: add one in mmseg model-zoo '
        'format (Collections + Models, see configs/adaptsegnet)')


@pytest.mark.parametrize(
    'path', METAFILES, ids=[osp.basename(osp.dirname(p)) for p in METAFILES])
def test_metafile_is_valid(path):
    assert metafile_problems(path) == []


@pytest.mark.parametrize(
    'path', METAFILES, ids=[osp.basename(osp.dirname(p)) for p in METAFILES])
def test_metafile_lists_every_config_of_its_folder(path):
    with open(path) as f:
        listed = {m['Config'] for m in yaml.safe_load(f)['Models']}
    folder = osp.dirname(path)
    configs = {  # pipeline configs chain models; they are not models
        osp.relpath(p, REPO_ROOT)
        for p in glob.glob(osp.join(folder, '*.py'))
        if not p.endswith('_pipeline.py')
    }
    assert configs - listed == set(), 'add these configs to the metafile'


def test_model_names_are_unique():
    names = []
    for path in METAFILES:
        with open(path) as f:
            names += [m['Name'] for m in yaml.safe_load(f)['Models']]
    assert len(names) == len(set(names))


def test_problems_are_found(tmp_path):
    (tmp_path / 'README.md').write_text('')
    (tmp_path / 'a.py').write_text('')
    bad = dict(
        Collections=[
            dict(Name='A', README='README.md', Paper=dict(Title='t', URL='u'))
        ],
        Models=[
            dict(
                Name='a',
                Config='a.py',
                Paper=dict(Title='t', URL='u'),
                Metadata={'Training Data': 'x'},
                **{'In Collection': 'A'},
                Results=[
                    dict(
                        Task='Semantic Segmentation',
                        Dataset='d',
                        Metrics=dict(mIoU=1.0),
                        Source='guessed')
                ]),
            dict(Name='gone', Config='gone.py', **{'In Collection': 'B'})
        ])
    path = tmp_path / 'metafile.yaml'
    path.write_text(yaml.safe_dump(bad))
    problems = metafile_problems(str(path), str(tmp_path))
    assert problems == [
        "a: result Source must be one of ('paper-reported', 'measured'), "
        "got 'guessed'", "gone: config 'gone.py' does not exist",
        "gone: unknown collection 'B'", 'gone: no Paper',
        'gone: no Metadata.Training Data'
    ]
