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


def test_atomic_link_or_copy_copies_when_asked(tmp_path):
    src = tmp_path / 'split.txt'
    src.write_bytes(b'a\nb\n')
    dst = tmp_path / 'new_root' / 'split.txt'
    atomic_link_or_copy(str(src), str(dst), copy=True)
    assert dst.read_bytes() == b'a\nb\n'
    assert not os.path.samefile(src, dst)
    assert sorted(os.listdir(dst.parent)) == ['split.txt']


def test_atomic_write_can_flush_to_disk(tmp_path, monkeypatch):
    synced = []
    fsync = os.fsync
    monkeypatch.setattr(os, 'fsync', lambda fd: synced.append(fd) or fsync(fd))
    atomic_write(str(tmp_path / 'plain.png'), b'1')
    assert synced == []
    atomic_write(str(tmp_path / 'durable.png'), b'2', fsync=True)
    assert len(synced) == 1
    assert (tmp_path / 'durable.png').read_bytes() == b'2'
