"""The datasets' ``skip_unreadable`` option: skip damaged training files."""
import logging
from typing import Any, Optional, Tuple

from mmengine.logging import print_log

from .file_checks import file_problem


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
        for key in self.FILE_KEYS:
            path = data_info.get(key)
            if path:
                problem = file_problem(path, self.backend_args)
                if problem:
                    return path, problem
        return None

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
            f'{self.name}: skipped a sample because {path} is {problem} '
            f'({type(error).__name__}: {error}); {self.num_skipped} '
            'unreadable sample(s) skipped so far by this process '
            '(skip_unreadable=True). List every bad file with '
            'tools/analysis_tools/check_dataset.py CONFIG.',
            logger='current',
            level=logging.WARNING)
        return True


class SkipUnreadableMixin:
    """``skip_unreadable`` for a ``BaseDataset`` subclass (training only).

    With the option on, a training sample whose files are unreadable makes
    ``prepare_data`` return None, on which MMEngine's
    ``BaseDataset.__getitem__`` draws another sample (at most
    ``max_refetch`` times in a row). In ``test_mode`` errors are always
    raised: an evaluation must see every image.

    Call :meth:`_init_skip_unreadable` in ``__init__``.
    """

    def _init_skip_unreadable(self, skip_unreadable: bool, name: str) -> None:
        self.skip_unreadable = skip_unreadable
        self._unreadable_skipper = (
            UnreadableSampleSkipper(name, self.backend_args)
            if skip_unreadable else None)

    def prepare_data(self, idx: int) -> Any:
        """Load sample ``idx``; None if it is skipped as unreadable."""
        if self._unreadable_skipper is None or self.test_mode:
            return super().prepare_data(idx)
        try:
            return super().prepare_data(idx)
        except Exception as error:
            if not self._unreadable_skipper.skip(
                    self.get_data_info(idx), error):
                raise
            return None  # BaseDataset.__getitem__ draws another sample
