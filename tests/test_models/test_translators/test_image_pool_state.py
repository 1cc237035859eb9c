"""The image pools are training state: in the state_dict and checkpoints."""
import pytest
import torch
from mmengine.runner.checkpoint import load_state_dict, save_checkpoint

from mmseg_uda.models import ImagePool


def test_pool_state_round_trips_into_an_empty_pool(tmp_path):
    torch.manual_seed(0)
    pools = torch.nn.ModuleDict(dict(source=ImagePool(2)))
    pools['source'].query(torch.randn(3, 3, 4, 4))
    assert len(pools['source']) == 2
    state = pools.state_dict()
    assert list(state) == ['source._extra_state']
    assert state['source._extra_state']['images'].shape == (2, 3, 4, 4)

    # through MMEngine's checkpoint functions and weights_only loading
    path = str(tmp_path / 'pools.pth')
    save_checkpoint(dict(state_dict=state), path)
    loaded = torch.load(path, weights_only=True)['state_dict']
    empty = torch.nn.ModuleDict(dict(source=ImagePool(2)))
    load_state_dict(empty, loaded, strict=True)
    assert len(empty['source']) == 2
    for mine, theirs in zip(empty['source'].images, pools['source'].images):
        assert torch.equal(mine, theirs)

    # the restored pool answers the next query as the original does
    new = torch.randn(1, 3, 4, 4)
    torch.manual_seed(1)
    expected = pools['source'].query(new)
    torch.manual_seed(1)
    assert torch.equal(empty['source'].query(new), expected)


def test_an_empty_pool_saves_and_loads():
    pool = ImagePool(3)
    other = ImagePool(3)
    other.load_state_dict(pool.state_dict())
    assert len(other) == 0


def test_a_larger_saved_pool_is_refused():
    big = ImagePool(3)
    big.query(torch.randn(3, 3, 2, 2))
    with pytest.raises(ValueError, match='pool_size is 2'):
        ImagePool(2).load_state_dict(big.state_dict())
