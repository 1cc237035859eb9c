"""Base of the infinite samplers that draw their own stream of indices."""
from typing import Iterator, Optional, Sized

from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler


class InfiniteIndexSampler(Sampler):
    """An endless stream of dataset indices, split across ranks.

    A subclass draws the stream in :meth:`_infinite_indices` from
    ``self.seed``; every rank draws the same stream and keeps every
    ``world_size``-th index, like MMEngine's ``InfiniteSampler``.

    Args:
        dataset (Sized): The training dataset.
        seed (int, optional): Random seed; None draws one shared by all
            ranks. Defaults to None.
    """

    def __init__(self, dataset: Sized, seed: Optional[int] = None) -> None:
        self.rank, self.world_size = get_dist_info()
        self.dataset = dataset
        self.size = len(dataset)
        self.seed = sync_random_seed() if seed is None else seed

    def _infinite_indices(self) -> Iterator[int]:
        raise NotImplementedError(
            f'{type(self).__name__} must implement _infinite_indices().')

    def __iter__(self) -> Iterator[int]:
        for position, index in enumerate(self._infinite_indices()):
            if position % self.world_size == self.rank:
                yield index

    def __len__(self) -> int:
        return self.size

    def set_epoch(self, epoch: int) -> None:
        """Not used: the stream is infinite."""
