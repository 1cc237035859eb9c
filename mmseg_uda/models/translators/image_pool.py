"""History of generated images that the CycleGAN discriminators see."""
from typing import List

import torch
from torch import Tensor


class ImagePool:
    """Buffer of up to ``pool_size`` earlier generator outputs.

    Shrivastava et al. (2017), as used by CycleGAN: the discriminators are
    updated on a mix of the newest translations and older ones, which
    damps oscillations. While the pool is not full every new image is
    stored and returned; afterwards each new image is, with probability
    0.5, returned as is, or else stored in place of a random older image,
    which is returned instead. Randomness comes from torch's global
    generator (seeded by the runner). The pool is training state that is
    not saved in checkpoints: after a resume it fills up again.

    Args:
        pool_size (int): Capacity; 0 disables the pool (``query`` returns
            its input). Default: 50.
    """

    def __init__(self, pool_size: int = 50) -> None:
        if pool_size < 0:
            raise ValueError(f'pool_size must be >= 0, got {pool_size}.')
        self.pool_size = pool_size
        self.images: List[Tensor] = []

    def __len__(self) -> int:
        return len(self.images)

    def query(self, images: Tensor) -> Tensor:
        """Return a batch of the same shape as ``images`` (N, C, H, W).

        The images are detached; all must have the size of those already
        stored, so train on fixed-size crops.
        """
        images = images.detach()
        if self.pool_size == 0:
            return images
        if self.images and images.shape[1:] != self.images[0].shape:
            raise ValueError(
                f'ImagePool holds images of shape '
                f'{tuple(self.images[0].shape)} but got '
                f'{tuple(images.shape[1:])}; train the translator on '
                'fixed-size crops (e.g. RandomCrop in the pipelines).')
        returned = []
        for image in images:
            if len(self.images) < self.pool_size:
                self.images.append(image.clone())
                returned.append(image)
            elif torch.rand(()).item() < 0.5:
                index = int(torch.randint(self.pool_size, ()).item())
                returned.append(self.images[index])
                self.images[index] = image.clone()
            else:
                returned.append(image)
        return torch.stack(returned)
