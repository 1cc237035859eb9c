"""Write files so that readers never see a partial one."""
import contextlib
import os
import os.path as osp
import shutil
import tempfile


def atomic_write(path: str, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file + rename.

    Readers (dataloader workers, a resumed run) see either the old file or
    the complete new one, never a partial write. The temporary file is
    hidden (leading dot) and ends in ``.tmp``, so dataset scans by suffix
    never pick it up; it is removed if the write fails.
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
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp_path)
        raise


def atomic_link_or_copy(src: str, dst: str) -> None:
    """Atomically make ``dst`` a hard link to (or else a copy of) ``src``.

    An existing ``dst`` is replaced.
    """
    os.makedirs(osp.dirname(dst), exist_ok=True)
    tmp = osp.join(osp.dirname(dst), f'.{osp.basename(dst)}.{os.getpid()}.tmp')
    if osp.lexists(tmp):
        os.remove(tmp)
    try:
        os.link(src, tmp)
    except OSError:  # another file system, or no hard links
        shutil.copyfile(src, tmp)
    os.replace(tmp, dst)
