"""Save the random generators in checkpoints so that resuming is exact."""
import random
from typing import Any, Dict, Optional

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmseg.registry import HOOKS

#: The checkpoint key of the saved states.
CHECKPOINT_KEY = 'random_state'


def get_random_state() -> Dict[str, Any]:
    """The states of Python's, numpy's and torch's global generators.

    Stored as tensors and plain Python values only, so that checkpoints
    still load with ``torch.load(weights_only=True)``.
    """
    name, keys, pos, has_gauss, cached_gaussian = np.random.get_state()
    state = dict(
        python=random.getstate(),
        numpy=dict(
            name=name,
            keys=torch.from_numpy(keys.astype(np.int64)),
            pos=int(pos),
            has_gauss=int(has_gauss),
            cached_gaussian=float(cached_gaussian)),
        torch=torch.get_rng_state())
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_random_state(state: Dict[str, Any]) -> None:
    """Restore the generators saved by :func:`get_random_state`."""
    version, internal, gauss_next = state['python']
    random.setstate((version, tuple(internal), gauss_next))
    numpy_state = state['numpy']
    np.random.set_state(
        (numpy_state['name'],
         numpy_state['keys'].cpu().numpy().astype(np.uint32),
         numpy_state['pos'], numpy_state['has_gauss'],
         numpy_state['cached_gaussian']))
    torch.set_rng_state(state['torch'].cpu())
    cuda_states = state.get('cuda')
    if cuda_states and torch.cuda.is_available():
        for device, cuda_state in enumerate(
                cuda_states[:torch.cuda.device_count()]):
            torch.cuda.set_rng_state(cuda_state.cpu(), device)


class _RestoreAfterSkip:
    """Dataloader iterator that restores the generators after a replay.

    MMEngine resumes an iteration-based run by fetching (and discarding)
    the batches of the finished iterations, which replays the sampler, the
    target pairing and the workers' augmentation exactly but also draws
    from the global generators of the main process. After those
    ``num_skipped`` batches this wrapper restores the saved states, so the
    next batch and the next iteration start from the very state the
    interrupted run had when it saved its checkpoint.
    """

    def __init__(self, loop: Any, num_skipped: int,
                 state: Dict[str, Any]) -> None:
        self.loop = loop
        self.iterator = loop.dataloader_iterator
        self.num_skipped = num_skipped
        self.state = state

    def __iter__(self) -> '_RestoreAfterSkip':
        return self

    def __next__(self) -> Any:
        if self.num_skipped == 0:
            set_random_state(self.state)
            self.loop.dataloader_iterator = self.iterator
        else:
            self.num_skipped -= 1
        return next(self.iterator)


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Put the random generators' states in checkpoints and restore them.

    MMEngine re-seeds a resumed run but does not restore the generators'
    states, so a resumed run draws other random numbers than the
    uninterrupted one (image-pool choices, dropout, augmentation in the
    main process). This hook saves the states of Python's, numpy's and
    torch's (CPU and CUDA) global generators under
    ``checkpoint['random_state']`` and, on ``--resume``, restores them right
    before the first new batch is fetched (after MMEngine has replayed the
    batches of the finished iterations, which restores the sampler, the
    source/target pairing and the dataloader workers). Validation runs
    between a save and the next iteration, so each validation is isolated:
    the states are restored after it, and validating (or not) does not
    change training.

    ``tools/train.py`` registers this hook in every run (see
    :func:`mmseg_uda.utils.add_required_hooks`); configs need not list it.
    Under DDP the states of rank 0 are saved and every rank restores them,
    which is exact with ``randomness.diff_rank_seed=False`` (the default,
    where the ranks' generators agree).
    """

    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self._resumed_state: Optional[Dict[str, Any]] = None
        self._val_state: Optional[Dict[str, Any]] = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint[CHECKPOINT_KEY] = get_random_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        # Only a resumed run continues the saved stream (load_from starts
        # a new run).
        state = checkpoint.get(CHECKPOINT_KEY)
        if state is not None and runner._resume:
            self._resumed_state = state
        elif state is None and runner._resume:
            print_log(
                'RandomStateHook: the checkpoint has no random state (it '
                'was written without this hook); the resumed run draws '
                'other random numbers than an uninterrupted one.',
                logger='current',
                level='WARNING')

    def before_train(self, runner) -> None:
        state, self._resumed_state = self._resumed_state, None
        if state is None:
            return
        loop = runner.train_loop
        if hasattr(loop, 'dataloader_iterator') and loop.iter > 0:
            loop.dataloader_iterator = _RestoreAfterSkip(
                loop, loop.iter, state)
        else:
            set_random_state(state)

    def before_val(self, runner) -> None:
        self._val_state = get_random_state()

    def after_val(self, runner) -> None:
        if self._val_state is not None:
            set_random_state(self._val_state)
            self._val_state = None
