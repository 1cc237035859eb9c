"""Two gloo processes train a CycleGAN translator under MMSeparateDDP."""
import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmengine.model import (MMDistributedDataParallel,
                            MMSeparateDistributedDataParallel)
from translator_test_utils import (build_optim, build_translator,
                                   consistency_cfg, save_segmentor_checkpoint)
from uda_test_utils import make_uda_batch


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _flat(params) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in params])


def _worker(rank: int, world_size: int, port: int, checkpoint: str,
            out_dir: str) -> None:
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world_size)
    # different inits per rank: DDP must broadcast rank 0's
    model, _ = build_translator(seed=rank, **consistency_cfg(checkpoint))
    wrapped = MMSeparateDistributedDataParallel(
        model,
        broadcast_buffers=False,
        find_unused_parameters=False,
        device_ids=None)
    wrapped_children = {
        name
        for name, child in model.named_children()
        if isinstance(child, MMDistributedDataParallel)
    }
    optim = build_optim(wrapped.module)
    initial = _flat(model.parameters())
    for step in range(2):  # every rank sees different data
        wrapped.train_step(
            make_uda_batch(size=(32, 32), seed=100 * rank + step), optim)
    # Each rank writes its own file: a collective on Python tensors right
    # before exit can deadlock gloo's teardown (its worker thread frees the
    # work's tensors under the GIL while the exiting main thread joins it).
    result = dict(final=_flat(model.parameters()))
    if rank == 0:
        result.update(
            initial=initial,
            wrapped=sorted(wrapped_children),
            segmentor=model.frozen_segmentor.state_dict())
    torch.save(result, os.path.join(out_dir, f'rank{rank}.pth'))
    dist.barrier()
    dist.destroy_process_group()


def test_ranks_stay_in_sync_and_the_segmentor_stays_frozen(tmp_path):
    checkpoint = str(tmp_path / 'segmentor.pth')
    seg_state = save_segmentor_checkpoint(checkpoint)
    mp.spawn(
        _worker,
        args=(2, _free_port(), checkpoint, str(tmp_path)),
        nprocs=2,
        join=True)
    result = torch.load(str(tmp_path / 'rank0.pth'))
    assert result['wrapped'] == ['discriminators', 'generators']
    rank0 = result['final']
    rank1 = torch.load(str(tmp_path / 'rank1.pth'))['final']
    assert not torch.equal(result['initial'], result['final'])  # trained
    torch.testing.assert_close(rank0, rank1, rtol=0, atol=1e-6)
    for name, value in result['segmentor'].items():
        torch.testing.assert_close(value, seg_state[name], rtol=0, atol=0)
