"""Measure training-step and inference speed and peak memory of a config.

Runs the model's real ``train_step`` (for UDA models: both domains, every
optimizer) and ``test_step`` on synthetic batches of a fixed size, so no
dataset is needed. Reports the median time over ``--iters`` iterations after
``--warmup`` iterations, images per second, and peak memory (max allocated
CUDA memory on GPU, peak process RSS on CPU).

Example::

    python tools/analysis_tools/benchmark.py \
        configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py --shape 64 128
"""
import argparse
import resource
import statistics
import time
from typing import Callable, Dict, List, Tuple

import torch
from mmengine.config import Config, DictAction
from mmengine.logging import MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.models import BaseUDASegmentor
from mmseg_uda.utils import enable_amp


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--shape',
        type=int,
        nargs=2,
        default=[512, 1024],
        metavar=('H', 'W'),
        help='input size of every image (default: 512 1024)')
    parser.add_argument(
        '--batch-size',
        type=int,
        help='images per domain (default: train_dataloader.batch_size)')
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument('--amp', action='store_true', help='use AMP (GPU)')
    parser.add_argument(
        '--device',
        default='cuda' if torch.cuda.is_available() else 'cpu',
        help='device to run on')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help='override')
    return parser.parse_args()


def fake_domain(batch_size: int, shape: Tuple[int, int], num_classes: int,
                labelled: bool) -> dict:
    """A collated batch of random images (and labels)."""
    inputs, samples = [], []
    for _ in range(batch_size):
        inputs.append(torch.randint(0, 256, (3, *shape), dtype=torch.uint8))
        sample = SegDataSample()
        sample.set_metainfo(
            dict(img_shape=shape, ori_shape=shape, pad_shape=shape))
        if labelled:
            sample.gt_sem_seg = PixelData(
                data=torch.randint(0, num_classes, (1, *shape)))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def time_it(step: Callable[[], None], warmup: int, iters: int,
            device: str) -> List[float]:
    """Wall-clock seconds of each timed call of ``step``."""
    times = []
    for i in range(warmup + iters):
        if device.startswith('cuda'):
            torch.cuda.synchronize()
        start = time.perf_counter()
        step()
        if device.startswith('cuda'):
            torch.cuda.synchronize()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return times


def peak_memory_mb(device: str) -> Tuple[float, str]:
    """Peak memory so far and what it measures."""
    if device.startswith('cuda'):
        return torch.cuda.max_memory_allocated() / 2**20, 'max allocated'
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(
        resource.RUSAGE_SELF).ru_maxrss / 1024, 'peak RSS'


def main() -> Dict[str, float]:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    logger = MMLogger.get_instance('benchmark', log_level='INFO')
    if args.amp:
        reason = enable_amp(cfg)
        if reason:
            logger.warning(reason)

    model = MODELS.build(cfg.model).to(args.device)
    uda = isinstance(model, BaseUDASegmentor)
    segmentor_cfg = cfg.model.segmentor if uda else cfg.model
    num_classes = segmentor_cfg.decode_head.num_classes
    batch_size = args.batch_size or cfg.train_dataloader.batch_size
    shape = tuple(args.shape)

    def make_batch(labelled_target: bool = False) -> dict:
        source = fake_domain(batch_size, shape, num_classes, True)
        if not uda:
            return source
        return dict(
            source=source,
            target=fake_domain(batch_size, shape, num_classes,
                               labelled_target))

    model.train()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    train_batch = make_batch()
    train_times = time_it(lambda: model.train_step(train_batch, optim_wrapper),
                          args.warmup, args.iters, args.device)
    train_memory, memory_kind = peak_memory_mb(args.device)

    model.eval()
    test_batch = fake_domain(batch_size, shape, num_classes, False)
    with torch.no_grad():
        test_times = time_it(lambda: model.test_step(test_batch), args.warmup,
                             args.iters, args.device)
    test_memory, _ = peak_memory_mb(args.device)

    images_per_step = batch_size * (2 if uda else 1)
    train_step = statistics.median(train_times)
    test_step = statistics.median(test_times)
    results = dict(
        train_step_s=train_step,
        train_images_per_s=images_per_step / train_step,
        train_peak_memory_mb=train_memory,
        test_step_s=test_step,
        test_images_per_s=batch_size / test_step,
        peak_memory_mb=test_memory)
    device = (
        torch.cuda.get_device_name() if args.device.startswith('cuda') else
        f'CPU ({torch.get_num_threads()} threads)')
    logger.info(
        f'{args.config} on {device}, {batch_size} image(s) of {shape[0]}x'
        f'{shape[1]} per domain, median of {args.iters} after '
        f'{args.warmup} warm-up iterations:\n'
        f'  train step: {train_step:.3f} s, '
        f'{results["train_images_per_s"]:.2f} images/s, '
        f'{memory_kind} {train_memory:.0f} MiB\n'
        f'  inference:  {test_step:.3f} s, '
        f'{results["test_images_per_s"]:.2f} images/s, '
        f'{memory_kind} {test_memory:.0f} MiB (cumulative peak)')
    return results


if __name__ == '__main__':
    main()
