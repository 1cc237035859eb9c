"""Unreadable files while training: a clear error, or skip them.

Without ``skip_unreadable`` a sample that fails because one of its files is
missing, empty or damaged raises :class:`UnreadableFileError` naming the
file, ``tools/analysis_tools/check_dataset.py`` (which lists every bad file
at once) and ``skip_unreadable=True``; with the option such samples are
skipped with a warning.
"""
import logging
from typing import Any, Optional, Tuple

from mmengine.logging import print_log

from .file_checks import file_problem

#: What the error for an unreadable file during training recommends.
UNREADABLE_TRAINING_FIX = (
    'List every bad file of the config at once with python '
    'tools/analysis_tools/check_dataset.py CONFIG, then re-download or '
    're-extract them; to train anyway, set skip_unreadable=True on the '
    'training dataset (GTA5Dataset, SynthiaDataset, CrossCityDataset or '
    'UDADataset), which skips such samples with a warning.')


class UnreadableFileError(OSError):
    """A sample's image or label file is missing, empty or damaged."""


def unreadable_file(
        data_info: Optional[dict],
        backend_args: Optional[dict] = None) -> Optional[Tuple[str, str]]:
    """``(path, problem)`` of the first unreadable file of a sample."""
    for key in UnreadableSampleSkipper.FILE_KEYS:
        path = (data_info or {}).get(key)
        if path:
            problem = file_problem(path, backend_args)
            if problem:
                return path, problem
    return None


def raise_unreadable(name: str,
                     data_info: Optional[dict],
                     error: Exception,
                     backend_args: Optional[dict] = None) -> None:
    """Raise :class:`UnreadableFileError` if ``error`` came from a bad file.

    Returns (so the caller re-raises ``error``) when every file of the
    sample reads and decodes: the failure has another cause.

    Args:
        name (str): The dataset's name in the message.
        data_info (dict, optional): The failed sample's data info.
        error (Exception): What loading the sample raised.
        backend_args (dict, optional): mmengine file backend arguments.
    """
    if isinstance(error, UnreadableFileError):
        raise error
    bad = unreadable_file(data_info, backend_args)
    if bad is None:
        return
    path, problem = bad
    raise UnreadableFileError(
        f'{name}: cannot load a sample, {path}: {problem} '
        f'({type(error).__name__}: {error}). '
        f'{UNREADABLE_TRAINING_FIX}') from error


class UnreadableSampleSkipper:
    """The ``skip_unreadable`` policy of the datasets.

    When loading a training sample fails, the sample's files are checked
    with :func:`file_problem`: if one of them is unreadable the sample is
    skipped with a warning naming the file and how many samples this
    process has skipped so far; otherwise (e.g. a bug in a transform, a
    size mismatch) the error is raised again, so nothing but unreadable
    files is ever skipped.

    Args:
        name (str): The dataset's name in the warnings.
        backend_args (dict, optional): mmengine file backend arguments.
    """

    #: Data-info keys of the files a sample loads.
    FILE_KEYS = ('img_path', 'seg_map_path')

    def __init__(self, name: str, backend_args: Optional[dict] = None) -> None:
        self.name = name
        self.backend_args = backend_args
        self.num_skipped = 0

    def unreadable_file(self, data_info: dict) -> Optional[Tuple[str, str]]:
        """Return ``(path, problem)`` of the first unreadable file."""
        return unreadable_file(data_info, self.backend_args)

    def skip(self, data_info: Optional[dict], error: Exception) -> bool:
        """Log and count a skipped sample, or return False to re-raise.

        Args:
            data_info (dict, optional): The failed sample's data info.
            error (Exception): What loading it raised.

        Returns:
            bool: True if the sample is skipped (an unreadable file).
        """
        bad = self.unreadable_file(data_info) if data_info else None
        if bad is None:
            return False
        self.num_skipped += 1
        path, problem = bad
        print_log(
            f'{self.name}: skipped a sample, {path}: {problem} '
            f'({type(error).__name__}: {error}); {self.num_skipped} '
            'unreadable sample(s) skipped so far by this process '
            '(skip_unreadable=True). List every bad file with '
            'tools/analysis_tools/check_dataset.py CONFIG.',
            logger='current',
            level=logging.WARNING)
        return True


class SkipUnreadableMixin:
    """``skip_unreadable`` for a ``BaseDataset`` subclass (training only).

    Without the option a sample that fails because of an unreadable file
    raises :class:`UnreadableFileError` (see the module). With it, a
    training sample whose files are unreadable makes ``prepare_data``
    return None, on which MMEngine's ``BaseDataset.__getitem__`` draws
    another sample (at most ``max_refetch`` times in a row). In
    ``test_mode`` errors are always raised: an evaluation must see every
    image.

    Call :meth:`_init_skip_unreadable` in ``__init__``.
    """

    def _init_skip_unreadable(self, skip_unreadable: bool, name: str) -> None:
        self.skip_unreadable = skip_unreadable
        self._unreadable_skipper = (
            UnreadableSampleSkipper(name, self.backend_args)
            if skip_unreadable else None)

    def prepare_data(self, idx: int) -> Any:
        """Load sample ``idx``; None if it is skipped as unreadable."""
        try:
            return super().prepare_data(idx)
        except Exception as error:
            if self._unreadable_skipper is None or self.test_mode:
                raise_unreadable(
                    type(self).__name__, self.get_data_info(idx), error,
                    self.backend_args)
                raise
            if not self._unreadable_skipper.skip(
                    self.get_data_info(idx), error):
                raise
            return None  # BaseDataset.__getitem__ draws another sample
