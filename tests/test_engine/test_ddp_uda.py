"""Two gloo processes train AdaptSegNet under MMSeparateDDP on CPU."""
import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmengine.model import MMSeparateDistributedDataParallel
from uda_test_utils import (build_adaptsegnet, build_uda_optim_wrapper,
                            make_uda_batch, toy_segmentor_cfg)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _flat_params(module: torch.nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in module.parameters()])


def _worker(rank: int, world_size: int, port: int, sync: bool,
            out_dir: str) -> None:
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world_size)
    # with DDP the inits differ (DDP broadcasts rank 0's); without, only
    # the data differs between the ranks
    torch.manual_seed(rank if sync else 0)
    model, _ = build_adaptsegnet(toy_segmentor_cfg())
    initial = _flat_params(model)
    if sync:
        wrapped = MMSeparateDistributedDataParallel(
            model,
            broadcast_buffers=False,
            find_unused_parameters=False,
            device_ids=None)
        optim_wrapper = build_uda_optim_wrapper(wrapped.module, 0.01, 1e-3)
    else:
        wrapped = model
        optim_wrapper = build_uda_optim_wrapper(model, 0.01, 1e-3)
    for step in range(3):  # every rank sees different data
        wrapped.train_step(
            make_uda_batch(seed=100 * rank + step), optim_wrapper)
    # Each rank writes its own file: a collective on Python tensors right
    # before exit can deadlock gloo's teardown (its worker thread frees the
    # work's tensors under the GIL while the exiting main thread joins it).
    torch.save(
        dict(initial=initial, final=_flat_params(model)),
        os.path.join(out_dir, f'sync{int(sync)}_rank{rank}.pth'))
    dist.barrier()
    dist.destroy_process_group()


def _run(sync: bool, out_dir: str) -> dict:
    """Initial and final weights of rank 0 and the final ones of each rank.
    """
    mp.spawn(
        _worker, args=(2, _free_port(), sync, out_dir), nprocs=2, join=True)
    ranks = [
        torch.load(os.path.join(out_dir, f'sync{int(sync)}_rank{rank}.pth'))
        for rank in range(2)
    ]
    return dict(
        initial=ranks[0]['initial'],
        final=ranks[0]['final'],
        gathered=[rank['final'] for rank in ranks])


def test_two_ranks_hold_identical_weights(tmp_path):
    result = _run(sync=True, out_dir=str(tmp_path))
    rank0, rank1 = result['gathered']
    assert not torch.equal(result['initial'], result['final'])  # trained
    torch.testing.assert_close(rank0, rank1, rtol=0, atol=1e-6)


def test_without_ddp_ranks_drift_apart(tmp_path):
    """Control: the same run without gradient sync ends with other weights."""
    result = _run(sync=False, out_dir=str(tmp_path))
    rank0, rank1 = result['gathered']
    assert (rank0 - rank1).abs().max() > 1e-4
