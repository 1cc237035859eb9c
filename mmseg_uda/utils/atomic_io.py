"""Write files so that readers never see a partial one."""
import contextlib
import os
import os.path as osp
import shutil
import tempfile


def atomic_write(path: str, content: bytes, fsync: bool = False) -> None:
    """Write ``content`` to ``path`` through a temporary file + rename.

    Readers (dataloader workers, a resumed run) see either the old file or
    the complete new one, never a partial write. The temporary file is
    hidden (leading dot) and ends in ``.tmp``, so dataset scans by suffix
    never pick it up; it is removed if the write fails.

    Args:
        path (str): The file to write; its folder is created.
        content (bytes): The whole content.
        fsync (bool): Flush the content to the disk before the rename, so
            that the file is complete after a power loss too (slower).
            Defaults to False.
    """
    directory = osp.dirname(path) or '.'
    os.makedirs(directory, exist_ok=True)
    fd, tmp_path = tempfile.mkstemp(
        dir=directory, prefix=f'.{osp.basename(path)}.', suffix='.tmp')
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp creates 0600 files
        with os.fdopen(fd, 'wb') as f:
            f.write(content)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp_path)
        raise


def atomic_link_or_copy(src: str, dst: str, copy: bool = False) -> None:
    """Atomically make ``dst`` a hard link to (or else a copy of) ``src``.

    An existing ``dst`` is replaced.

    Args:
        src (str): The existing file.
        dst (str): The new name; its folder is created.
        copy (bool): Always copy, never link. Defaults to False (a copy
            only where hard links fail: another file system, or none).
    """
    directory = osp.dirname(dst) or '.'
    os.makedirs(directory, exist_ok=True)
    tmp = osp.join(directory, f'.{osp.basename(dst)}.{os.getpid()}.tmp')
    if osp.lexists(tmp):
        os.remove(tmp)
    try:
        linked = False
        if not copy:
            try:
                os.link(src, tmp)
                linked = True
            except OSError:  # another file system, or no hard links
                pass
        if not linked:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
