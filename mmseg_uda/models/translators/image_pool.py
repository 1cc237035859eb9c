"""History of generated images that the CycleGAN discriminators see."""
from typing import Any, Dict, List

import torch
from torch import Tensor, nn


class ImagePool(nn.Module):
    """Buffer of up to ``pool_size`` earlier generator outputs.

    Shrivastava et al. (2017), as used by CycleGAN: the discriminators are
    updated on a mix of the newest translations and older ones, which
    damps oscillations. While the pool is not full every new image is
    stored and returned; afterwards each new image is, with probability
    0.5, returned as is, or else stored in place of a random older image,
    which is returned instead. Randomness comes from torch's global
    generator (seeded by the runner, its state saved in checkpoints by
    ``RandomStateHook``).

    The stored images are training state: they are the module's extra
    state (``get_extra_state`` / ``set_extra_state``), so they are part of
    the owner's ``state_dict`` and of MMEngine's checkpoints under
    ``<name>._extra_state`` as ``dict(images=Tensor(N, C, H, W))``, and a
    resumed run continues with the pool it stopped with. The module has no
    parameters and no buffers; ``.to()`` / ``.cuda()`` move the images.

    Args:
        pool_size (int): Capacity; 0 disables the pool (``query`` returns
            its input). Default: 50.
    """

    def __init__(self, pool_size: int = 50) -> None:
        super().__init__()
        if pool_size < 0:
            raise ValueError(f'pool_size must be >= 0, got {pool_size}.')
        self.pool_size = pool_size
        self.images: List[Tensor] = []

    def __len__(self) -> int:
        return len(self.images)

    def extra_repr(self) -> str:
        return f'pool_size={self.pool_size}, stored={len(self.images)}'

    def get_extra_state(self) -> Dict[str, Tensor]:
        """The stored images, stacked: ``dict(images=(N, C, H, W))``."""
        if self.images:
            images = torch.stack(self.images)
        else:
            images = torch.empty(0)
        return dict(images=images)

    def set_extra_state(self, state: Any) -> None:
        """Replace the stored images by those of :meth:`get_extra_state`.

        Raises:
            ValueError: If ``state`` is not such a dict or holds more
                images than ``pool_size``.
        """
        images = state.get('images') if isinstance(state, dict) else None
        if not isinstance(images, Tensor):
            raise ValueError(
                'ImagePool state must be dict(images=Tensor(N, C, H, W)), '
                f'got {type(state).__name__}; the checkpoint was not '
                'written by this ImagePool.')
        if images.numel() and images.dim() != 4:
            raise ValueError('ImagePool state images must be (N, C, H, W), '
                             f'got shape {tuple(images.shape)}.')
        num = images.shape[0] if images.numel() else 0
        if num > self.pool_size:
            raise ValueError(
                f'The checkpoint holds {num} pooled images but pool_size is '
                f'{self.pool_size}; resume with the pool_size it was '
                'trained with (or load only the networks with load_from).')
        self.images = [image.clone() for image in images[:num]]

    def _apply(self, fn, recurse: bool = True):
        # Move / cast the stored images with the module.
        super()._apply(fn, recurse)
        self.images = [fn(image) for image in self.images]
        return self

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
        if self.images and self.images[0].device != images.device:
            self.images = [image.to(images.device) for image in self.images]
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
