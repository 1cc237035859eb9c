"""Find missing, empty and damaged image / label files.

Shared by ``tools/analysis_tools/check_dataset.py`` and the datasets'
``skip_unreadable`` option (``skip_unreadable.py``), so that both call the
same files unreadable.
"""
import io
from typing import Optional, Tuple

import mmcv
import mmengine.fileio as fileio
import numpy as np
from PIL import Image, UnidentifiedImageError

_JPEG_SIGNATURE = b'\xff\xd8'

#: What to do about a file that cannot be read.
UNREADABLE_FIX = (
    're-download or re-extract it (or remove the pair: GTA5, SYNTHIA and '
    'Cross-City drop images without a label with skip_unpaired=True); to '
    'train anyway, set skip_unreadable=True on the training dataset')


def read_file(
    path: str,
    backend_args: Optional[dict] = None
) -> Tuple[Optional[bytes], Optional[str]]:
    """Read a file's bytes.

    Args:
        path (str): The file.
        backend_args (dict, optional): mmengine file backend arguments.

    Returns:
        tuple: ``(content, None)``, or ``(None, problem)`` for a missing,
        unreadable or empty file.
    """
    try:
        content = fileio.get(path, backend_args=backend_args)
    except FileNotFoundError:
        return None, 'missing'
    except OSError as error:
        return None, f'unreadable ({error})'
    if not content:
        return None, 'empty (0 bytes)'
    return content, None


def decode_image(
    content: bytes,
    imdecode_backend: str = 'cv2'
) -> Tuple[Optional[np.ndarray], Optional[str]]:
    """Decode an image as mmcv's ``LoadImageFromFile`` does, fully.

    The channels and the bit depth are kept (``flag='unchanged'``), so
    16-bit label maps decode too. OpenCV fills the missing rows of a
    truncated JPEG with grey instead of failing, so JPEGs are also fully
    loaded with Pillow.

    Args:
        content (bytes): The encoded file.
        imdecode_backend (str): mmcv decoding backend. Defaults to 'cv2'.

    Returns:
        tuple: ``(image, None)`` or ``(None, problem)``.
    """
    try:
        image = mmcv.imfrombytes(
            content, flag='unchanged', backend=imdecode_backend)
    except Exception as error:  # decoders raise many types
        return None, f'cannot be decoded ({type(error).__name__}: {error})'
    if image is None or image.size == 0:
        return None, 'cannot be decoded (truncated or damaged)'
    if content[:2] == _JPEG_SIGNATURE:
        try:
            with Image.open(io.BytesIO(content)) as pil_image:
                pil_image.load()
        except UnidentifiedImageError:
            pass
        except (OSError, SyntaxError, ValueError) as error:
            return None, f'truncated or damaged ({error})'
    return image, None


def file_problem(path: str,
                 backend_args: Optional[dict] = None) -> Optional[str]:
    """Say what is wrong with an image or label file, if anything.

    Args:
        path (str): The file.
        backend_args (dict, optional): mmengine file backend arguments.

    Returns:
        str | None: The problem (missing, empty, cannot be decoded), or
        None when the file reads and decodes.
    """
    content, problem = read_file(path, backend_args)
    if problem is None:
        _, problem = decode_image(content)
    return problem
