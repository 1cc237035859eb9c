"""Load checkpoints so that a model is never silently left unloaded.

:func:`load_checked_state_dict` compares a state dict with a module before
loading it: when the file does not cover every weight of the module it
stops with an error that names the file, the number of matched weights,
some unmatched names on both sides and, for a file with the official key
names of a paper's release, the converter to run. Partial loading is an
explicit opt-in, logged with counts.
"""
import os.path as osp
import re
from typing import Dict, Iterable, List, Mapping, Optional

import torch.nn as nn
from mmengine.logging import print_log
from mmengine.model import BaseTTAModel, is_model_wrapper
from mmengine.runner.checkpoint import _load_checkpoint
from torch import Tensor

#: Prefix of the stock segmentor's weights inside a UDA model's state dict.
UDA_SEGMENTOR_PREFIX = 'segmentor.model.'
#: Buffers that old checkpoints (before PyTorch 0.4.1) do not have; their
#: absence changes no output in evaluation and is not counted as missing.
OPTIONAL_SUFFIXES = ('num_batches_tracked', )
#: How many unmatched names an error message shows on each side.
SHOWN_NAMES = 5


class CheckpointMismatchError(RuntimeError):
    """A checkpoint does not hold all the weights of the model."""


def checkpoint_state_dict(checkpoint: Mapping) -> Dict[str, Tensor]:
    """The state dict of a runner checkpoint or of a bare state dict.

    ``module.`` prefixes (DDP) are removed, as mmengine's loader does.
    """
    state_dict = checkpoint.get('state_dict', checkpoint)
    if not isinstance(state_dict, Mapping):
        state_dict = checkpoint
    return {re.sub(r'^module\.', '', str(k)): v for k, v in state_dict.items()}


def _names(names: Iterable[str]) -> str:
    names = sorted(names)
    if not names:
        return 'none'
    shown = ', '.join(names[:SHOWN_NAMES])
    more = len(names) - SHOWN_NAMES
    return shown + (f' (+{more} more)' if more > 0 else '')


def _is_optional(key: str) -> bool:
    return key.endswith(OPTIONAL_SUFFIXES)


def load_checked_state_dict(module: nn.Module,
                            state_dict: Mapping,
                            source: str,
                            allow_partial: bool = False,
                            allow_unexpected: bool = True,
                            required: Optional[Iterable[str]] = None,
                            opt_in: str = 'allow_partial=True',
                            raw: Optional[Mapping] = None) -> int:
    """Load ``state_dict`` into ``module`` after checking that it fits.

    Args:
        module (nn.Module): The module to load into.
        state_dict (Mapping): Weights, with the module's key names.
        source (str): The file they come from, for messages.
        allow_partial (bool): Load the matching weights even when some of
            ``required`` are missing (logged with counts). Default: False.
        allow_unexpected (bool): Ignore weights the module does not have
            (logged). False makes them an error too. Default: True.
        required (Iterable[str], optional): The keys that must be in the
            file. Defaults to all keys of ``module.state_dict()``.
            ``num_batches_tracked`` is never required.
        opt_in (str): How the user asks for partial loading, for the
            error message.
        raw (Mapping, optional): The file as read, used to recognise files
            with the official key names of a paper's release.

    Returns:
        int: Number of tensors loaded.

    Raises:
        CheckpointMismatchError: If required weights are missing or have
            another shape (or, without ``allow_unexpected``, if the file
            has weights the module does not), and ``allow_partial`` is
            False.
    """
    own = module.state_dict()
    required = set(own if required is None else required)
    required = {k for k in required if not _is_optional(k)}
    matched = {
        k: v
        for k, v in state_dict.items() if k in own and isinstance(v, Tensor)
        and tuple(v.shape) == tuple(own[k].shape)
    }
    shape_mismatch = sorted(
        f'{k} {tuple(state_dict[k].shape)} vs {tuple(own[k].shape)}'
        for k in state_dict if k in own and k not in matched)
    missing = sorted(required - set(matched))
    unexpected = sorted(k for k in state_dict if k not in own)
    name = type(module).__name__
    n_required = len(required)
    n_found = len(required & set(matched))
    problem = bool(missing) or (bool(unexpected) and not allow_unexpected)
    if problem and not allow_partial:
        from .official_weights import converter_hint
        hint = converter_hint(raw if raw is not None else state_dict)
        lines = [
            f'{source} matches {n_found} of the {n_required} weights of '
            f'the {name} it is loaded into.',
            f'  In the model, not in the file: {_names(missing)}',
            f'  In the file, not in the model: {_names(unexpected)}',
        ]
        if shape_mismatch:
            lines.append(f'  Different shapes: {_names(shape_mismatch)}')
        if hint:
            lines.append('  ' + hint)
        lines.append(
            '  Refusing to go on with a partly loaded model; to load only '
            f'the matching weights on purpose, pass {opt_in}.')
        raise CheckpointMismatchError('\n'.join(lines))
    module.load_state_dict(matched, strict=False)
    if missing:
        print_log(
            f'Partial loading of {source} (requested): {n_found} of the '
            f'{n_required} weights of {name} loaded, {len(missing)} keep '
            f'their initial values ({_names(missing)}).',
            logger='current',
            level=30)
    if unexpected:
        print_log(
            f'{source}: {len(unexpected)} weights not used by {name} '
            f'({_names(unexpected)}).',
            logger='current')
    print_log(
        f'Loaded {len(matched)} tensors into {name} from {source}.',
        logger='current')
    return len(matched)


def _read(filename: str) -> Mapping:
    checkpoint = _load_checkpoint(filename, map_location='cpu')
    if not isinstance(checkpoint, Mapping):
        raise CheckpointMismatchError(
            f'{filename} holds a {type(checkpoint).__name__}, not a '
            'checkpoint.')
    return checkpoint


def segmentor_part(state_dict: Mapping[str, Tensor]) -> Dict[str, Tensor]:
    """The stock segmentor's weights of a UDA state dict, unprefixed."""
    return {
        k[len(UDA_SEGMENTOR_PREFIX):]: v
        for k, v in state_dict.items() if k.startswith(UDA_SEGMENTOR_PREFIX)
    }


def load_segmentor_checkpoint(model: nn.Module,
                              filename: str,
                              allow_partial: bool = False) -> None:
    """Load a plain mmseg or a UDA checkpoint into a stock segmentor.

    A UDA checkpoint holds the stock segmentor under
    ``UDA_SEGMENTOR_PREFIX``; only those weights are loaded. The file must
    hold exactly the segmentor's weights (see
    :func:`load_checked_state_dict`).

    Args:
        model (nn.Module): The stock segmentor to load into.
        filename (str): Path of the checkpoint.
        allow_partial (bool): Load what matches and log what does not,
            instead of stopping. Default: False.
    """
    if not osp.isfile(filename):
        raise FileNotFoundError(
            f'Segmentor checkpoint not found: {filename}. Train the previous '
            'stage first (see the method README) or fix '
            '`model.segmentor_checkpoint`.')
    checkpoint = _read(filename)
    state_dict = checkpoint_state_dict(checkpoint)
    if any(k.startswith(UDA_SEGMENTOR_PREFIX) for k in state_dict):
        state_dict = segmentor_part(state_dict)
    load_checked_state_dict(
        model,
        state_dict,
        filename,
        allow_partial=allow_partial,
        allow_unexpected=False,
        opt_in=('model.allow_partial_checkpoint=True (or allow_partial=True '
                'to load_segmentor_checkpoint)'),
        raw=checkpoint)


def unwrap_model(model: nn.Module) -> nn.Module:
    """The model inside DDP / TTA wrappers."""
    while is_model_wrapper(model) or isinstance(model, BaseTTAModel):
        model = model.module
    return model


def prediction_keys(model: nn.Module) -> List[str]:
    """The weights a model's predictions depend on.

    For a UDA model (keys under ``UDA_SEGMENTOR_PREFIX``) these are the
    stock segmentor's; discriminators and other training-only parts are
    left out. For any other model, all of its keys.
    """
    keys = list(model.state_dict())
    uda = [k for k in keys if k.startswith(UDA_SEGMENTOR_PREFIX)]
    return uda or keys


def load_test_checkpoint(model: nn.Module,
                         filename: str,
                         allow_partial: bool = False,
                         checkpoint: Optional[Mapping] = None) -> None:
    """Load a checkpoint for evaluation, stopping if predictions would use
    weights the file does not have.

    Plain mmseg checkpoints load into UDA models (under the segmentor) and
    UDA checkpoints into plain segmentors (their segmentor part); a UDA
    checkpoint into a UDA model loads everything, as mmengine's runner
    does. Only the weights that predictions use must be in the file.

    Args:
        model (nn.Module): The model, possibly wrapped (DDP, TTA).
        filename (str): Path of the checkpoint.
        allow_partial (bool): Load what matches and log what does not.
            Default: False.
        checkpoint (Mapping, optional): The file's content if already read.
    """
    model = unwrap_model(model)
    if checkpoint is None:
        checkpoint = _read(filename)
    state_dict = checkpoint_state_dict(checkpoint)
    own_uda = any(
        k.startswith(UDA_SEGMENTOR_PREFIX) for k in model.state_dict())
    file_uda = any(k.startswith(UDA_SEGMENTOR_PREFIX) for k in state_dict)
    if own_uda and not file_uda:
        state_dict = {
            UDA_SEGMENTOR_PREFIX + k: v
            for k, v in state_dict.items()
        }
    elif file_uda and not own_uda:
        state_dict = segmentor_part(state_dict)
    load_checked_state_dict(
        model,
        state_dict,
        filename,
        allow_partial=allow_partial,
        required=prediction_keys(model),
        opt_in='--allow-partial',
        raw=checkpoint)
