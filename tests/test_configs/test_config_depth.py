"""Configs stay shallow and inherit within their own domain pair.

A config's depth is 1 plus the largest depth among its ``_base_`` files (1
without ``_base_``); an ``mmseg::`` base counts as one level. Every config
under ``configs/<folder>/`` is at most three levels deep: ``_base_`` pieces
(depth 1), a primitive per method and domain pair built from them (depth
2), and its variants (depth 3). A config only inherits configs of its own
domain pair: a SYNTHIA config never inherits a GTA5 one, a Cross-City city
never another city.
"""
import ast
import glob
import os.path as osp
import re
from typing import Dict, List, Optional

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MAX_DEPTH = 3
# _base_ pieces for users' own configs, used by no config of the repo
USER_PIECES = {'datasets/toy-b_gta2cs.py'}


def base_files(path: str) -> List[str]:
    """The ``_base_`` entries of a config file, as written."""
    with open(path, encoding='utf-8') as f:
        tree = ast.parse(f.read(), filename=path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == '_base_'
                for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                raise ValueError(
                    f'{path}: _base_ must be a string or a list of '
                    'strings') from None
            return [value] if isinstance(value, str) else list(value)
    return []


def resolve(path: str, base: str) -> Optional[str]:
    """Absolute path of a relative ``base`` of ``path``; None for
    ``package::`` bases."""
    if '::' in base:
        return None
    resolved = osp.normpath(osp.join(osp.dirname(path), base))
    if not osp.isfile(resolved):
        raise FileNotFoundError(f'{path}: _base_ {base!r} does not exist')
    return resolved


def depth(path: str,
          memo: Optional[Dict[str, int]] = None,
          chain: tuple = ()) -> int:
    """Inheritance depth of the config at ``path``."""
    memo = {} if memo is None else memo
    path = osp.normpath(osp.abspath(path))
    if path in chain:
        raise ValueError(f'circular _base_: {" -> ".join(chain + (path, ))}')
    if path not in memo:
        levels = [1]
        for base in base_files(path):
            resolved = resolve(path, base)
            levels.append(2 if resolved is None else 1 +
                          depth(resolved, memo, chain + (path, )))
        memo[path] = max(levels)
    return memo[path]


def method_configs(root: str = REPO_ROOT) -> List[str]:
    """Every ``configs/<folder>/*.py`` but ``_base_``'s."""
    return sorted(
        p for p in glob.glob(osp.join(root, 'configs', '*', '*.py'))
        if osp.basename(osp.dirname(p)) != '_base_')


def too_deep(root: str = REPO_ROOT) -> Dict[str, int]:
    """``{relative path: depth}`` of the configs deeper than MAX_DEPTH."""
    memo: Dict[str, int] = {}
    levels = {p: depth(p, memo) for p in method_configs(root)}
    return {
        osp.relpath(p, root): d
        for p, d in levels.items() if d > MAX_DEPTH
    }


def domains(path: str) -> frozenset:
    """The datasets a config's file name names (Cityscapes, the target of
    every pair, left out)."""
    name = osp.basename(path).lower()
    found = {d for d in ('toy', 'gta', 'synthia') if d in name}
    cities = re.findall(r'crosscity-(rome|rio|taipei|tokyo)', name)
    if cities:
        found.update(f'crosscity-{city}' for city in cities)
    elif 'crosscity' in name:
        found.add('crosscity')
    return frozenset(found)


def cross_pair_bases(root: str = REPO_ROOT) -> List[str]:
    """``child -> parent`` for each config inheriting a config (not a
    ``_base_`` piece) of another domain pair."""
    base_dir = osp.join(root, 'configs', '_base_') + osp.sep
    found = []
    for path in method_configs(root):
        for base in base_files(path):
            parent = resolve(path, base)
            if parent is None or parent.startswith(base_dir):
                continue
            if domains(parent) != domains(path):
                found.append(f'{osp.relpath(path, root)} -> '
                             f'{osp.relpath(parent, root)}')
    return found


def unused_pieces(root: str = REPO_ROOT) -> List[str]:
    """``_base_`` files no config reaches."""
    base_dir = osp.join(root, 'configs', '_base_')
    reached = set()
    todo = list(method_configs(root))
    while todo:
        path = todo.pop()
        for base in base_files(path):
            parent = resolve(path, base)
            if parent is not None and parent not in reached:
                reached.add(parent)
                todo.append(parent)
    pieces = glob.glob(osp.join(base_dir, '**', '*.py'), recursive=True)
    return sorted(
        osp.relpath(p, base_dir) for p in pieces
        if osp.normpath(p) not in reached
        and osp.relpath(p, base_dir) not in USER_PIECES)


def _write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_every_config_is_at_most_three_levels_deep():
    assert len(method_configs()) > 50
    assert too_deep() == {}


def test_no_config_inherits_another_domain_pair():
    assert cross_pair_bases() == []


def test_every_base_piece_is_used():
    assert unused_pieces() == []


def test_depth_counts_every_level(tmp_path):
    # a chain of four files, one mmseg base, one list of bases
    _write(tmp_path / 'configs/_base_/a.py', 'x = 1\n')
    _write(tmp_path / 'configs/_base_/b.py', "_base_ = './a.py'\ny = 1\n")
    _write(tmp_path / 'configs/m/c_gta2cs.py', "_base_ = ['../_base_/b.py']\n")
    _write(tmp_path / 'configs/m/d_gta2cs.py', "_base_ = ['./c_gta2cs.py']\n")
    _write(tmp_path / 'configs/m/e_gta2cs.py',
           "_base_ = ['mmseg::_base_/default_runtime.py', '../_base_/a.py']\n")
    memo = {}
    path = tmp_path / 'configs'
    assert depth(path / '_base_/a.py', memo) == 1
    assert depth(path / '_base_/b.py', memo) == 2
    assert depth(path / 'm/c_gta2cs.py', memo) == 3
    assert depth(path / 'm/d_gta2cs.py', memo) == 4
    assert depth(path / 'm/e_gta2cs.py', memo) == 2
    assert too_deep(str(tmp_path)) == {'configs/m/d_gta2cs.py': 4}
    assert unused_pieces(str(tmp_path)) == []


def test_depth_rejects_bad_bases(tmp_path):
    _write(tmp_path / 'a.py', "_base_ = './missing.py'\n")
    with pytest.raises(FileNotFoundError, match='missing.py'):
        depth(tmp_path / 'a.py')
    _write(tmp_path / 'b.py', "_base_ = './c.py'\n")
    _write(tmp_path / 'c.py', "_base_ = './b.py'\n")
    with pytest.raises(ValueError, match='circular'):
        depth(tmp_path / 'b.py')
    _write(tmp_path / 'd.py', "_base_ = ['./a' + '.py']\n")
    with pytest.raises(ValueError, match='list of strings'):
        base_files(str(tmp_path / 'd.py'))


def test_cross_pair_inheritance_is_caught(tmp_path):
    _write(tmp_path / 'configs/_base_/gta2cs.py', 'x = 1\n')
    _write(tmp_path / 'configs/m/m_gta2cs.py',
           "_base_ = ['../_base_/gta2cs.py']\n")
    _write(tmp_path / 'configs/m/m_gta2cs-variant.py',
           "_base_ = ['./m_gta2cs.py']\n")
    _write(tmp_path / 'configs/m/m_synthia2cs.py',
           "_base_ = ['./m_gta2cs.py']\n")
    _write(tmp_path / 'configs/m/m_cs2crosscity-rome.py',
           "_base_ = ['../_base_/gta2cs.py']\n")
    _write(tmp_path / 'configs/m/m_cs2crosscity-rio.py',
           "_base_ = ['./m_cs2crosscity-rome.py']\n")
    _write(tmp_path / 'configs/_base_/unused.py', 'x = 1\n')
    assert cross_pair_bases(str(tmp_path)) == [
        'configs/m/m_cs2crosscity-rio.py -> configs/m/m_cs2crosscity-rome.py',
        'configs/m/m_synthia2cs.py -> configs/m/m_gta2cs.py',
    ]
    assert unused_pieces(str(tmp_path)) == ['unused.py']
    assert domains('m_r101_cs2crosscity-rio-distill.py') == {'crosscity-rio'}
    assert domains('cyclegan_toy-cs2gta.py') == {'toy', 'gta'}
