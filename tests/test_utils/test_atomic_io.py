"""mmseg_uda.utils.atomic_io: complete files or none."""
import os

import pytest

from mmseg_uda.utils import atomic_link_or_copy, atomic_write


def test_atomic_write_replaces_and_cleans_up_on_failure(tmp_path, monkeypatch):
    path = tmp_path / 'sub' / 'a.json'
    atomic_write(str(path), b'old')
    atomic_write(str(path), b'new')
    assert path.read_bytes() == b'new'

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, 'replace', interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(str(path), b'never')
    monkeypatch.undo()
    assert path.read_bytes() == b'new'
    assert sorted(os.listdir(path.parent)) == ['a.json']


def test_atomic_link_or_copy_links_and_replaces(tmp_path):
    src = tmp_path / 'src.png'
    src.write_bytes(b'label')
    dst = tmp_path / 'out' / 'dst.png'
    dst.parent.mkdir()
    dst.write_bytes(b'previous round')
    atomic_link_or_copy(str(src), str(dst))
    assert dst.read_bytes() == b'label'
    assert os.path.samefile(src, dst)
    assert sorted(os.listdir(dst.parent)) == ['dst.png']
