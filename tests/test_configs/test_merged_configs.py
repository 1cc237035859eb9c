"""Refactoring configs must not change what they mean.

Every method config's fully merged dict (``Config.fromfile(...).to_dict()``,
all ``_base_`` files and ``{{_base_.x}}`` references resolved) is hashed
and compared with ``merged_configs.json``, written from the configs as
they were before the last deliberate change. Moving shared blocks into
``_base_`` pieces keeps every hash; changing a setting changes one.

After a deliberate change, look at what changed and record it::

    python tests/test_configs/test_merged_configs.py --diff REV  # vs a commit
    python tests/test_configs/test_merged_configs.py --update
"""
import argparse
import glob
import hashlib
import json
import os.path as osp
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from typing import Dict, Iterator, Optional, Tuple

from mmengine.config import Config

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SNAPSHOT = osp.join(osp.dirname(osp.abspath(__file__)), 'merged_configs.json')


def method_configs(root: str = REPO_ROOT) -> list:
    """``configs/<folder>/<name>.py`` paths (relative), ``_base_`` left out."""
    paths = glob.glob(osp.join(root, 'configs', '*', '*.py'))
    return sorted(
        osp.relpath(p, root) for p in paths
        if osp.basename(osp.dirname(p)) != '_base_')


def merged(path: str) -> dict:
    """The fully merged config as plain JSON data."""
    cfg = Config.fromfile(path)
    return json.loads(json.dumps(cfg.to_dict(), sort_keys=True, default=repr))


def digest(data: dict) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True).encode()).hexdigest()


def digests(root: str = REPO_ROOT) -> Dict[str, str]:
    return {
        path: digest(merged(osp.join(root, path)))
        for path in method_configs(root)
    }


def flatten(data, prefix: str = '') -> Iterator[Tuple[str, object]]:
    """``(dotted key, leaf value)`` pairs of nested dicts and lists."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from flatten(value, f'{prefix}{key}.')
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from flatten(value, f'{prefix}{i}.')
    else:
        yield prefix[:-1], data


def diff(before: dict, after: dict) -> list:
    """Lines ``key: before -> after`` for every leaf that differs."""
    old, new = dict(flatten(before)), dict(flatten(after))
    missing = '<absent>'
    return [
        f'{key}: {old.get(key, missing)!r} -> {new.get(key, missing)!r}'
        for key in sorted(set(old) | set(new))
        if old.get(key, missing) != new.get(key, missing)
    ]


def configs_at(rev: str, out_dir: str) -> str:
    """Extract ``configs/`` of git revision ``rev`` under ``out_dir``."""
    archive = subprocess.run(['git', 'archive', rev, 'configs'],
                             cwd=REPO_ROOT,
                             capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(out_dir)
    return out_dir


def read_snapshot() -> dict:
    with open(SNAPSHOT) as f:
        return json.load(f)


def test_merged_configs_are_unchanged():
    snapshot = read_snapshot()['sha256']
    current = digests()
    changed = sorted(p for p in set(snapshot) & set(current)
                     if snapshot[p] != current[p])
    assert not changed, (
        f'the merged content of {changed} changed. If that is meant, look '
        'at the differences with `python tests/test_configs/'
        'test_merged_configs.py --diff REV` and record them with --update.')
    assert sorted(current) == sorted(snapshot), (
        'configs were added or removed: record them with `python tests/'
        'test_configs/test_merged_configs.py --update`.')


def test_a_changed_setting_is_caught(tmp_path):
    # the check above compares content, not file text: a moved block keeps
    # the hash, a changed number does not
    base = tmp_path / 'base.py'
    base.write_text('loader = dict(batch_size=1, workers=4)\n')
    inline = tmp_path / 'inline.py'
    inline.write_text('loader = dict(workers=4, batch_size=1)\nx = 1\n')
    child = tmp_path / 'child.py'
    child.write_text("_base_ = ['./base.py']\nx = 1\n")
    changed = tmp_path / 'changed.py'
    changed.write_text("_base_ = ['./base.py']\nloader = dict(workers=2)\n"
                       'x = 1\n')
    assert digest(merged(str(inline))) == digest(merged(str(child)))
    assert digest(merged(str(changed))) != digest(merged(str(child)))
    assert diff(merged(str(child)), merged(str(changed))) == [
        'loader.workers: 4 -> 2'
    ]


def main(argv: Optional[list] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument(
        '--update', action='store_true', help='rewrite the snapshot')
    group.add_argument(
        '--diff',
        metavar='REV',
        help='print the merged-config differences between the configs of '
        'git revision REV and the working tree')
    args = parser.parse_args(argv)
    if args.update:
        with open(SNAPSHOT, 'w') as f:
            json.dump(dict(sha256=digests()), f, indent=2, sort_keys=True)
            f.write('\n')
        print(f'wrote {SNAPSHOT}')
        return
    with tempfile.TemporaryDirectory() as tmp:
        before_root = configs_at(args.diff, tmp)
        before, after = method_configs(before_root), method_configs()
        for path in sorted(set(before) | set(after)):
            if path not in before or path not in after:
                print(f'{path}: only in {"after" if path in after else "REV"}')
                continue
            lines = diff(
                merged(osp.join(before_root, path)),
                merged(osp.join(REPO_ROOT, path)))
            if lines:
                print(f'{path}:\n  ' + '\n  '.join(lines))


if __name__ == '__main__':
    sys.path.insert(0, REPO_ROOT)
    main()
