import pytest
import torch

from mmseg_uda.models import ImagePool


def test_pool_fills_up_then_mixes_old_and_new_images():
    torch.manual_seed(0)
    pool = ImagePool(pool_size=4)
    first = torch.arange(4.).view(4, 1, 1, 1).expand(4, 3, 2, 2)
    out = pool.query(first)
    torch.testing.assert_close(out, first)  # not full yet: returned as is
    assert len(pool) == 4

    seen_old = seen_new = 0
    for step in range(1, 30):
        new = torch.full((2, 3, 2, 2), 100. + step)
        out = pool.query(new)
        assert out.shape == new.shape and len(pool) == 4
        for image in out:
            if image[0, 0, 0] == 100. + step:
                seen_new += 1
            else:
                seen_old += 1
                # an older image, taken out and replaced by the new one
                assert image[0, 0, 0] < 100. + step
    assert seen_old > 10 and seen_new > 10  # about half each


def test_returned_images_are_detached():
    pool = ImagePool(pool_size=2)
    images = torch.rand(3, 3, 4, 4, requires_grad=True)
    assert not pool.query(images * 2).requires_grad


def test_size_zero_disables_the_pool():
    pool = ImagePool(pool_size=0)
    images = torch.rand(2, 3, 4, 4)
    assert torch.equal(pool.query(images), images)
    assert len(pool) == 0


def test_other_image_sizes_are_refused():
    pool = ImagePool(pool_size=2)
    pool.query(torch.rand(1, 3, 4, 4))
    with pytest.raises(ValueError, match='fixed-size crops'):
        pool.query(torch.rand(1, 3, 8, 8))
