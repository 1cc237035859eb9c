"""Building blocks must not depend on the UDA methods built from them."""
import ast
import glob
import os.path as osp
from typing import List

import pytest
from uda_test_utils import REPO_ROOT

BUILDING_BLOCKS = ('discriminators', 'heads', 'losses', 'translators')
METHODS_PACKAGE = 'mmseg_uda.models.uda'


def _module_name(path: str) -> str:
    rel = osp.relpath(path, REPO_ROOT)[:-len('.py')]
    parts = rel.split(osp.sep)
    if parts[-1] == '__init__':
        parts = parts[:-1]
    return '.'.join(parts)


def imported_modules(source: str, module: str, is_package: bool) -> List[str]:
    """Absolute names of every module a source file imports.

    ``from a import b`` yields both ``a`` and ``a.b`` (``b`` may be a
    submodule); relative imports are resolved against ``module``.
    """
    package = module if is_package else module.rpartition('.')[0]
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split('.')
                base = base[:len(base) - node.level + 1]
                if node.module:
                    base.append(node.module)
                prefix = '.'.join(base)
            else:
                prefix = node.module
            names.append(prefix)
            names += [f'{prefix}.{alias.name}' for alias in node.names]
    return names


def imports_methods(names: List[str]) -> List[str]:
    return [
        name for name in names
        if name == METHODS_PACKAGE or name.startswith(METHODS_PACKAGE + '.')
    ]


@pytest.mark.parametrize('source, module, is_package, bad', [
    ('from ..uda.base_uda_segmentor import set_requires_grad',
     'mmseg_uda.models.translators.x', False, True),
    ('from .. import uda', 'mmseg_uda.models.losses.x', False, True),
    ('from ...models.uda import FADA', 'mmseg_uda.models.heads', True, True),
    ('import mmseg_uda.models.uda.fada', 'mmseg_uda.models.heads.x', False,
     True),
    ('from ..utils import set_requires_grad', 'mmseg_uda.models.translators.x',
     False, False),
    ('from .image_pool import ImagePool', 'mmseg_uda.models.translators', True,
     False),
])
def test_import_resolution(source, module, is_package, bad):
    # the scanner below must see each way of importing the methods
    names = imported_modules(source, module, is_package)
    assert bool(imports_methods(names)) is bad, names


@pytest.mark.parametrize('folder', BUILDING_BLOCKS)
def test_building_blocks_do_not_import_the_methods(folder):
    files = sorted(
        glob.glob(
            osp.join(REPO_ROOT, 'mmseg_uda', 'models', folder, '**', '*.py'),
            recursive=True))
    assert files, f'no python files under mmseg_uda/models/{folder}'
    offenders = {}
    for path in files:
        with open(path) as f:
            names = imported_modules(f.read(), _module_name(path),
                                     osp.basename(path) == '__init__.py')
        bad = imports_methods(names)
        if bad:
            offenders[osp.relpath(path, REPO_ROOT)] = bad
    assert not offenders, (
        f'building blocks import {METHODS_PACKAGE}: {offenders}; move the '
        'shared helpers to mmseg_uda/models/utils/')
