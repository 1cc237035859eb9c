"""Two gloo processes train UDA models under MMSeparateDDP on CPU."""
import os
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmengine.logging import MessageHub
from mmengine.model import MMSeparateDistributedDataParallel
from mmengine.optim import build_optim_wrapper
from mmseg.registry import MODELS
from uda_test_utils import (acm_segmentor_cfg, build_adaptsegnet, build_cirn,
                            build_ldr, build_ldr_optim_wrapper,
                            build_uda_optim_wrapper, make_uda_batch,
                            toy_segmentor_cfg)


def build_dacs() -> tuple:
    """A small DACS (no optimizer here: see :func:`dacs_optim_wrapper`)."""
    model = MODELS.build(dict(type='DACS', segmentor=toy_segmentor_cfg()))
    model.init_weights()
    return model, None


def build_hrda_mic() -> tuple:
    """DACS with HRDA's segmentor (the tiny ResNet, 16x32 detail crops)
    and MIC: student, teacher and attention heads must stay in sync."""
    segmentor = toy_segmentor_cfg()
    segmentor.pop('auxiliary_head')
    segmentor.update(
        type='HRDAEncoderDecoder', detail_crop_size=(16, 32))
    segmentor.decode_head.update(
        type='HRDAHead', single_scale_head='DeepLabV2Head')
    model = MODELS.build(
        dict(
            type='DACS',
            segmentor=segmentor,
            masked_consistency=dict(
                type='MaskedImageConsistency', block_size=8)))
    model.init_weights()
    return model, None


def dacs_optim_wrapper(model, seg_lr: float, disc_lr: float):
    """SGD for the student; the teacher has no optimizer."""
    return build_optim_wrapper(
        model,
        dict(
            constructor='MultiOptimWrapperConstructor',
            segmentor=dict(
                type='OptimWrapper',
                optimizer=dict(type='SGD', lr=seg_lr, momentum=0.9))))


#: The UDA models under test, built on every rank.
BUILDERS = dict(
    adaptsegnet=lambda: build_adaptsegnet(toy_segmentor_cfg()),
    dacs=build_dacs,
    hrda_mic=build_hrda_mic,
    cirn=lambda: build_cirn(acm_segmentor_cfg()),
    ldr=lambda: build_ldr(dict(toy_segmentor_cfg(), auxiliary_head=None)))
#: Optimizers of a model whose children differ from segmentor +
#: discriminator (model, segmentor lr, discriminator lr).
OPTIMIZERS = dict(
    ldr=build_ldr_optim_wrapper,
    dacs=dacs_optim_wrapper,
    # the attention heads learn slowly: a larger lr makes the no-DDP
    # control drift measurably within 3 steps
    hrda_mic=lambda model, seg_lr, disc_lr: dacs_optim_wrapper(
        model, 10 * seg_lr, disc_lr))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _flat_params(module: torch.nn.Module, parts=('', )) -> torch.Tensor:
    """The parameters whose names contain one of ``parts``, flat."""
    return torch.cat([torch.zeros(0)] + [
        p.detach().flatten() for name, p in module.named_parameters()
        if any(part in name for part in parts)
    ])


#: Parameter groups compared across ranks (parts of parameter names; DDP
#: inserts ``module.`` after the child's name).
GROUPS = dict(
    all=('', ),
    acm=('decode_head.acm_branches.', 'decode_head.attentions.'),
    discriminator=('discriminator.', ),
    # LDR's four children ('discriminator.' is also in recon_discriminator)
    segmentor=('segmentor.', ),
    output_discriminator=('levels.decode_head.', ),
    reconstructor=('reconstructor.', ),
    recon_discriminator=('recon_discriminator.', ),
    # DACS: the student and its EMA teacher (updated from the student)
    teacher=('teacher.', ),
    # HRDA: the scale-attention heads of student and teacher
    attention=('decode_head.scale_attention.', ))
#: The groups compared separately, per method.
CHECKED_GROUPS = dict(
    adaptsegnet=('all', ),
    dacs=('segmentor', 'teacher'),
    hrda_mic=('segmentor', 'teacher', 'attention'),
    cirn=('all', 'acm', 'discriminator'),
    ldr=('segmentor', 'output_discriminator', 'reconstructor',
         'recon_discriminator'))


def _worker(rank: int, world_size: int, port: int, sync: bool, out_dir: str,
            method: str) -> None:
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world_size)
    # with DDP the inits differ (DDP broadcasts rank 0's); without, only
    # the data differs between the ranks
    torch.manual_seed(rank if sync else 0)
    model, _ = BUILDERS[method]()
    initial = _flat_params(model)
    build_optimizers = OPTIMIZERS.get(method, build_uda_optim_wrapper)
    if sync:
        wrapped = MMSeparateDistributedDataParallel(
            model,
            broadcast_buffers=False,
            find_unused_parameters=False,
            device_ids=None)
        optim_wrapper = build_optimizers(wrapped.module, 0.01, 1e-3)
    else:
        wrapped = model
        optim_wrapper = build_optimizers(model, 0.01, 1e-3)
    for step in range(3):  # every rank sees different data
        # the iteration, as the runner sets it (DACS' EMA ramp reads it)
        MessageHub.get_current_instance().update_info('iter', step)
        wrapped.train_step(
            make_uda_batch(seed=100 * rank + step), optim_wrapper)
    # Each rank writes its own file: a collective on Python tensors right
    # before exit can deadlock gloo's teardown (its worker thread frees the
    # work's tensors under the GIL while the exiting main thread joins it).
    final = {
        group: _flat_params(model, prefix)
        for group, prefix in GROUPS.items()
    }
    torch.save(
        dict(initial=initial, final=final),
        os.path.join(out_dir, f'sync{int(sync)}_rank{rank}.pth'))
    dist.barrier()
    dist.destroy_process_group()


def _run(sync: bool, out_dir: str, method: str) -> dict:
    """Initial and final weights of rank 0 and the final ones of each rank
    (per parameter group).
    """
    mp.spawn(
        _worker,
        args=(2, _free_port(), sync, out_dir, method),
        nprocs=2,
        join=True)
    ranks = [
        torch.load(os.path.join(out_dir, f'sync{int(sync)}_rank{rank}.pth'))
        for rank in range(2)
    ]
    return dict(
        initial=ranks[0]['initial'],
        final=ranks[0]['final']['all'],
        gathered=[rank['final'] for rank in ranks])


@pytest.mark.parametrize('method', sorted(BUILDERS))
def test_two_ranks_hold_identical_weights(tmp_path, method):
    result = _run(sync=True, out_dir=str(tmp_path), method=method)
    rank0, rank1 = result['gathered']
    assert not torch.equal(result['initial'], result['final'])  # trained
    torch.testing.assert_close(rank0['all'], rank1['all'], rtol=0, atol=1e-6)
    # CIRN: the ACM (its classifier, trained with the weight-discrepancy
    # loss outside the forward pass, and its attention modules) and the
    # discriminator in particular; LDR: each of its four children
    for group in CHECKED_GROUPS[method]:
        assert rank0[group].numel() > 0, group
        torch.testing.assert_close(
            rank0[group], rank1[group], rtol=0, atol=1e-6)


@pytest.mark.parametrize('method', sorted(BUILDERS))
def test_without_ddp_ranks_drift_apart(tmp_path, method):
    """Control: the same run without gradient sync ends with other weights."""
    result = _run(sync=False, out_dir=str(tmp_path), method=method)
    rank0, rank1 = result['gathered']
    for group in CHECKED_GROUPS[method]:
        assert (rank0[group] - rank1[group]).abs().max() > 1e-4, group
