"""Measure training-step and inference speed and peak memory of a config.

Runs the model's real ``train_step`` (for UDA models and image translators:
both domains, every optimizer; for LDR's label-to-image pre-training, one
labelled domain) and ``test_step`` (not for translators, which have none)
on synthetic batches of a fixed size, so no dataset is
needed. Reports the median time over ``--iters`` iterations after
``--warmup`` iterations, images per second, and peak memory (max allocated
CUDA memory on GPU, peak process RSS on CPU).

``--compare`` times fp32, AMP and AMP + channels-last (or the variants it
names) in one run: one copy of the model per variant (same initial
weights, same batches), taking turns iteration by iteration, so a noisy
machine slows all of them alike; the speed-ups over the first are
printed.

``--baseline source-only`` times the UDA config's own segmentor trained on
the source batch alone, ``--baseline CONFIG`` another config (e.g. a
single-scale segmentor beside HRDA), alternately with the config in the
same run, and prints the ratios of their train steps and peak memory.
Peak memory is per model: CUDA memory above the resident weights, or on a
CPU the peak RSS of the timed steps above the RSS after the warm-up, in a
separate process per model (this tool run again with ``--out``).

Example::

    python tools/analysis_tools/benchmark.py \
        configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py --shape 64 128
    python tools/analysis_tools/benchmark.py CONFIG --compare \
        --amp-dtype bfloat16
    python tools/analysis_tools/benchmark.py \
        configs/dacs/dacs_r18_toy-gta2cs.py --shape 64 128 \
        --baseline source-only
"""
import argparse
import contextlib
import copy
import json
import os
import os.path as osp
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable, ContextManager, Dict, List, Optional, Tuple

import torch
import torch.nn as nn
from mmengine.config import Config, DictAction
from mmengine.logging import MessageHub, MMLogger
from mmengine.optim import OptimWrapper, build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.engine.hooks import to_channels_last
from mmseg_uda.models import (BaseUDASegmentor, CycleGANTranslator,
                              LabelReconstructor)
from mmseg_uda.utils import amp_config, enable_amp, optim_wrapper_cfgs
from mmseg_uda.utils.launch import AMP_DTYPES

#: Variant name -> (AMP, channels-last).
VARIANTS = {
    'fp32': (False, False),
    'fp32+channels-last': (False, True),
    'amp': (True, False),
    'amp+channels-last': (True, True)
}
#: What ``--compare`` without names times.
DEFAULT_COMPARE = ('fp32', 'amp', 'amp+channels-last')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
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
        '--target-shape',
        type=int,
        nargs=2,
        metavar=('H', 'W'),
        help='size of the target images of UDA models, also used for '
        'inference (default: --shape); e.g. --shape 720 1280 --target-shape '
        '512 1024 for GTA5 -> Cityscapes at the papers\' resolution')
    parser.add_argument(
        '--batch-size',
        type=int,
        help='images per domain (default: train_dataloader.batch_size)')
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision (GPU: AmpOptimWrapper per optimizer, as '
        'tools/train.py --amp; CPU: autocast without loss scaling)')
    parser.add_argument(
        '--amp-dtype',
        choices=list(AMP_DTYPES),
        help='autocast dtype of --amp and --compare (default: the '
        'config\'s amp_dtype, else float16)')
    parser.add_argument(
        '--channels-last',
        action='store_true',
        help='convert the model to channels-last (ChannelsLastHook)')
    parser.add_argument(
        '--compare',
        nargs='*',
        choices=list(VARIANTS),
        metavar='VARIANT',
        help='time variants alternately and print their speed-ups over the '
        f'first; default: {" ".join(DEFAULT_COMPARE)}; choices: '
        f'{", ".join(VARIANTS)} (ignores --amp and --channels-last)')
    parser.add_argument(
        '--baseline',
        metavar='CONFIG',
        help='time a second model alternately with CONFIG and print the '
        'ratios of their train steps and peak memory: \'source-only\' (the '
        'UDA config\'s segmentor trained on the source batch alone) or a '
        'config file (ignores --compare)')
    parser.add_argument(
        '--baseline-cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of a --baseline config file')
    parser.add_argument(
        '--source-only',
        action='store_true',
        help='time the UDA config\'s segmentor trained on the source batch '
        'alone')
    parser.add_argument('--out', help='also write the results as json')
    parser.add_argument(
        '--device',
        default='cuda' if torch.cuda.is_available() else 'cpu',
        help='device to run on')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help='override')
    return parser.parse_args(argv)


class CPUAutocastOptimWrapper(OptimWrapper):
    """``AmpOptimWrapper``'s autocast on CPU, where MMEngine's refuses to run.

    Forward passes inside :meth:`optim_context` run under
    ``torch.autocast('cpu', dtype)``, as ``AmpOptimWrapper`` does on GPU;
    there is no loss scaler (bfloat16 needs none; float16 on CPU is timed
    without one).

    Args:
        dtype (str): ``'bfloat16'`` or ``'float16'``.
        **kwargs: Arguments of :class:`OptimWrapper`.
    """

    def __init__(self, dtype: str = 'bfloat16', **kwargs) -> None:
        super().__init__(**kwargs)
        self.cast_dtype = getattr(torch, str(dtype).replace('torch.', ''))

    @contextlib.contextmanager
    def optim_context(self, model: nn.Module):
        with super().optim_context(model), torch.autocast(
                'cpu', dtype=self.cast_dtype):
            yield


def amp_variant_cfg(cfg: Config, dtype: Optional[str], device: str) -> str:
    """Switch ``cfg`` to mixed precision on ``device``; return the dtype."""
    if device.startswith('cuda'):
        enable_amp(cfg, dtype)  # AmpOptimWrapper, as tools/train.py --amp
        # the wrappers are AMP now: this only resolves the dtype
        return amp_config(cfg, dtype)
    dtype = amp_config(cfg, dtype)
    for wrapper in optim_wrapper_cfgs(cfg).values():
        wrapper['type'] = CPUAutocastOptimWrapper
        wrapper.pop('loss_scale', None)
    return dtype


def source_only_cfg(cfg: Config) -> Config:
    """The segmentor of a UDA config, trained on its source batch alone
    with the segmentor's own optimizer and schedule."""
    segmentor = cfg.model.get('segmentor')
    if segmentor is None:
        raise ValueError('--source-only / --baseline source-only need a UDA '
                         'config (with model.segmentor).')
    cfg = copy.deepcopy(cfg)
    cfg.model = segmentor
    optim_wrapper = cfg.optim_wrapper
    if optim_wrapper.get('constructor') == 'MultiOptimWrapperConstructor':
        cfg.optim_wrapper = optim_wrapper['segmentor']
    return cfg


def load_baseline_cfg(args: argparse.Namespace, cfg: Config) -> Config:
    """The config of ``--baseline``: the UDA config's segmentor, or a
    config file with ``--baseline-cfg-options`` (and, with
    ``--source-only``, its segmentor trained on the source alone)."""
    if args.baseline == 'source-only':
        return source_only_cfg(cfg)
    baseline = Config.fromfile(args.baseline)
    if args.baseline_cfg_options:
        baseline.merge_from_dict(args.baseline_cfg_options)
    if args.source_only and baseline.model.get('segmentor') is not None:
        baseline = source_only_cfg(baseline)
    return baseline


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


def resident_memory_mb() -> Optional[float]:
    """The current RSS of this process (Linux's VmRSS), or None."""
    try:
        with open('/proc/self/status', encoding='ascii') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak_rss() -> bool:
    """Restart Linux's peak-RSS count (VmHWM) of this process; False where
    the kernel does not allow it."""
    try:
        with open('/proc/self/clear_refs', 'w', encoding='ascii') as f:
            f.write('5')
        return True
    except OSError:
        return False


def peak_memory_mb(device: str) -> Tuple[float, str]:
    """Peak memory so far and what it measures."""
    if device.startswith('cuda'):
        return torch.cuda.max_memory_allocated() / 2**20, 'max allocated'
    # the high-water mark of this process image: Linux's VmHWM (ru_maxrss
    # would carry over the RSS of the parent that forked a child)
    try:
        with open('/proc/self/status', encoding='ascii') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024, 'peak RSS'
    except OSError:
        pass
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(
        resource.RUSAGE_SELF).ru_maxrss / 1024, 'peak RSS'


class Variant:
    """One model + optimizers, timed step by step.

    Args:
        name (str): Name in the report.
        cfg (Config): The config (copied).
        device (str): Device to run on.
        amp (bool): Mixed precision.
        amp_dtype (str, optional): Its dtype (see ``--amp-dtype``).
        channels_last (bool): Convert the model to channels-last.
        seed (int): Seed of the initial weights (the same for every
            variant).
    """

    def __init__(self,
                 name: str,
                 cfg: Config,
                 device: str,
                 amp: bool = False,
                 amp_dtype: Optional[str] = None,
                 channels_last: bool = False,
                 seed: int = 0) -> None:
        cfg = copy.deepcopy(cfg)
        self.name, self.device = name, device
        self.dtype = amp_variant_cfg(cfg, amp_dtype, device) if amp else None
        torch.manual_seed(seed)
        self.model = MODELS.build(cfg.model).to(device)
        if channels_last:
            to_channels_last(self.model)
        self.optim_wrapper = build_optim_wrapper(self.model, cfg.optim_wrapper)
        self.train_times: List[float] = []
        self.train_iter = 0
        self.test_times: List[float] = []
        self.step_memory_mb = 0.

    def label(self) -> str:
        return f'{self.name} ({self.dtype})' if self.dtype else self.name

    def inference_context(self) -> ContextManager:
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(
            self.device.split(':')[0], dtype=getattr(torch, self.dtype))

    def _timed(self, step: Callable[[], None], times: List[float],
               record: bool) -> None:
        cuda = self.device.startswith('cuda')
        if cuda:
            torch.cuda.synchronize()
            resident = torch.cuda.memory_allocated()
            torch.cuda.reset_peak_memory_stats()
        start = time.perf_counter()
        step()
        if cuda:
            torch.cuda.synchronize()
        if record:
            times.append(time.perf_counter() - start)
            if cuda:
                self.step_memory_mb = max(
                    self.step_memory_mb,
                    (torch.cuda.max_memory_allocated() - resident) / 2**20)

    def train(self, batch: dict, record: bool) -> None:
        self.model.train()
        if 'source' in batch and not isinstance(
                self.model, (BaseUDASegmentor, CycleGANTranslator)):
            batch = batch['source']  # a segmentor beside a UDA model
        # the iteration, as the runner publishes it (mean teachers and
        # schedules inside models read it from the MessageHub)
        message_hub = MessageHub.get_current_instance()
        message_hub.update_info('iter', self.train_iter)
        self.train_iter += 1
        self._timed(lambda: self.model.train_step(batch, self.optim_wrapper),
                    self.train_times, record)

    def test(self, batch: dict, record: bool) -> None:
        self.model.eval()

        def step() -> None:
            with torch.no_grad(), self.inference_context():
                self.model.test_step(batch)

        self._timed(step, self.test_times, record)


def run_alternating(variants: List[Variant], step: str, batch: dict,
                    warmup: int, iters: int) -> None:
    """Run ``step`` (train / test) of every variant, taking turns."""
    for i in range(warmup + iters):
        for variant in variants:
            getattr(variant, step)(batch, record=i >= warmup)


def main(argv: Optional[List[str]] = None) -> Dict[str, dict]:
    """Run the benchmark; return per-variant results (name -> numbers)."""
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if args.source_only:
        cfg = source_only_cfg(cfg)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    logger = MMLogger.get_instance('benchmark', log_level='INFO')
    cudnn_benchmark = bool(cfg.get('env_cfg', {}).get('cudnn_benchmark'))
    torch.backends.cudnn.benchmark = cudnn_benchmark

    compare = args.compare is not None and not args.baseline
    if args.baseline:
        names = ['amp' if args.amp else 'fp32']
        if args.channels_last:
            names[0] += '+channels-last'
    elif compare:
        names = args.compare or DEFAULT_COMPARE
    else:
        names = ['amp' if args.amp else 'fp32']
        if args.channels_last:
            names[0] += '+channels-last'
    variants = []
    for name in names:
        amp, channels_last = VARIANTS[name]
        variants.append(
            Variant(name, cfg, args.device, amp, args.amp_dtype,
                    channels_last))

    baseline = None
    if args.baseline:
        amp, channels_last = VARIANTS[names[0]]
        baseline_cfg = load_baseline_cfg(args, cfg)
        baseline = Variant(f'baseline: {args.baseline}', baseline_cfg,
                           args.device, amp, args.amp_dtype, channels_last)
        variants.append(baseline)

    model = variants[0].model
    # image generators: no test_step
    translator = isinstance(model, (CycleGANTranslator, LabelReconstructor))
    uda = isinstance(model, (CycleGANTranslator, BaseUDASegmentor))
    segmentor_cfg = cfg.model.get('segmentor') if uda else cfg.model
    if isinstance(model, LabelReconstructor):
        num_classes = model.num_classes
    else:
        # a translator without a frozen segmentor ignores the labels
        num_classes = (
            segmentor_cfg.decode_head.num_classes if segmentor_cfg else 19)
    batch_size = args.batch_size or cfg.train_dataloader.batch_size
    shape = tuple(args.shape)
    target_shape = tuple(args.target_shape or shape) if uda else shape
    torch.manual_seed(1)
    train_batch = fake_domain(batch_size, shape, num_classes, True)
    if uda:
        train_batch = dict(
            source=train_batch,
            target=fake_domain(batch_size, target_shape, num_classes, False))
    test_batch = fake_domain(batch_size, target_shape, num_classes, False)

    # warm-up first (optimizer states, allocator caches), then the peak of
    # the timed steps above what is resident after it
    run_alternating(variants, 'train', train_batch, args.warmup, 0)
    resident = resident_memory_mb()
    reset_peak_rss()
    run_alternating(variants, 'train', train_batch, 0, args.iters)
    train_memory, memory_kind = peak_memory_mb(args.device)
    if not translator:
        run_alternating(variants, 'test', test_batch, args.warmup,
                        args.iters)
    memory, _ = peak_memory_mb(args.device)

    images_per_step = batch_size * (2 if uda else 1)
    results = {}
    for variant in variants:
        train_step = statistics.median(variant.train_times)
        test_step = (
            statistics.median(variant.test_times)
            if variant.test_times else None)
        results[variant.name] = dict(
            train_step_s=train_step,
            train_images_per_s=images_per_step / train_step,
            test_step_s=test_step,
            test_images_per_s=batch_size / test_step if test_step else None,
            step_memory_mb=variant.step_memory_mb)
    device = (
        torch.cuda.get_device_name() if args.device.startswith('cuda') else
        f'CPU ({torch.get_num_threads()} threads)')
    header = (f'{args.config} on {device}, {batch_size} image(s) of '
              f'{shape[0]}x{shape[1]} per domain' +
              (f' (target {target_shape[0]}x{target_shape[1]})'
               if target_shape != shape else '') +
              f', median of {args.iters} '
              f'after {args.warmup} warm-up iterations, cudnn.benchmark='
              f'{cudnn_benchmark}' +
              ('' if args.device.startswith('cuda') else ' (unused on CPU)'))
    if baseline is not None:
        memories = baseline_memory(args, results, [v.name for v in variants])
        logger.info(header + f', {variants[0].label()} and the baseline '
                    'alternating:\n' +
                    baseline_table(variants, results, memories))
        results['memory_mb'] = memories
    elif compare:
        logger.info(header + ', variants alternating:\n' +
                    compare_table(variants, results, args.device) +
                    f'\n  {memory_kind} of the process (all variants): '
                    f'{train_memory:.0f} MiB after training, {memory:.0f} '
                    'MiB in all')
    else:
        result = results[variants[0].name]
        inference = (
            f'  inference:  {result["test_step_s"]:.3f} s, '
            f'{result["test_images_per_s"]:.2f} images/s, '
            f'{memory_kind} {memory:.0f} MiB (cumulative peak)'
            if result['test_step_s'] else
            '  inference:  - (an image generator: no test step)')
        logger.info(f'{header}, {variants[0].label()}:\n'
                    f'  train step: {result["train_step_s"]:.3f} s, '
                    f'{result["train_images_per_s"]:.2f} images/s, '
                    f'{memory_kind} {train_memory:.0f} MiB\n' + inference)
        results[variants[0].name].update(
            peak_memory_mb=memory,
            memory_kind=memory_kind,
            resident_after_warmup_mb=resident)
    if args.out:
        with open(args.out, 'w', encoding='utf-8') as f:
            json.dump(results, f, indent=2)
    return results


def baseline_memory(args: argparse.Namespace, results: Dict[str, dict],
                    names: List[str]) -> Dict[str, float]:
    """Peak memory (MiB) of the model and of the baseline, by name.

    CUDA: the train step's memory above the resident one, measured in this
    run. CPU: the peak RSS of the timed steps of a separate run of this
    tool per model, less its RSS after the warm-up steps (the libraries,
    the model, its optimizer states and batches), so that the memory the
    step itself needs is compared.
    """
    if args.device.startswith('cuda'):
        return {name: results[name]['step_memory_mb'] for name in names}
    common = [
        '--shape', *map(str, args.shape), '--warmup',
        str(args.warmup), '--iters',
        str(args.iters), '--device', args.device
    ]
    for flag, value in (('--target-shape', args.target_shape),
                        ('--batch-size', args.batch_size),
                        ('--amp-dtype', args.amp_dtype)):
        if value is not None:
            common += [flag, *map(str, value if isinstance(value, list)
                                  else [value])]
    common += ['--amp'] * args.amp + ['--channels-last'] * args.channels_last

    def as_options(overrides: Optional[dict]) -> List[str]:
        if not overrides:
            return []
        return ['--cfg-options'] + [
            f'{key}={value}' for key, value in overrides.items()
        ]

    options = as_options(args.cfg_options)
    source_only = ['--source-only'] if args.source_only else []
    runs = [[args.config, *common, *source_only, *options]]
    if args.baseline == 'source-only':
        runs.append([args.config, *common, '--source-only', *options])
    else:
        runs.append([
            args.baseline, *common, *source_only,
            *as_options(args.baseline_cfg_options)
        ])
    memories = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, run_args in zip(names, runs):
            out = osp.join(tmp, 'result.json')
            proc = subprocess.run(
                [sys.executable, osp.abspath(__file__), *run_args,
                 '--out', out],
                capture_output=True,
                text=True,
                # glibc returns freed blocks above 64 KiB to the system, so
                # the RSS follows the memory in use (no dynamic threshold)
                env=dict(os.environ, MALLOC_MMAP_THRESHOLD_='65536'))
            if proc.returncode != 0:
                raise RuntimeError(f'benchmark of {run_args[0]} failed:\n'
                                   f'{proc.stderr[-3000:]}')
            with open(out, encoding='utf-8') as f:
                child = json.load(f)
            child = next(iter(child.values()))
            memories[name] = (
                child['peak_memory_mb'] -
                (child['resident_after_warmup_mb'] or 0.))
    return memories


def baseline_table(variants: List[Variant], results: Dict[str, dict],
                   memories: Dict[str, float]) -> str:
    """Markdown table of the model and its baseline, with their ratios."""
    model, baseline = (results[v.name] for v in variants)
    memory_model, memory_baseline = (memories[v.name] for v in variants)
    rows = [
        '| model | train step | memory of the step |', '| --- | --- | --- |',
        f'| {variants[0].label()} | {model["train_step_s"]:.3f} s | '
        f'{memory_model:.0f} MiB |',
        f'| {variants[1].label()} | {baseline["train_step_s"]:.3f} s | '
        f'{memory_baseline:.0f} MiB |',
        f'| ratio | {model["train_step_s"] / baseline["train_step_s"]:.2f}x'
        f' | {memory_model / memory_baseline:.2f}x |'
    ]
    return '\n'.join(rows)


def compare_table(variants: List[Variant], results: Dict[str, dict],
                  device: str) -> str:
    """Markdown table of the variants, speed-ups relative to the first."""
    base = results[variants[0].name]
    cuda = device.startswith('cuda')
    rows = [
        '| variant | train step | speed-up | inference / batch | speed-up | '
        'train-step memory above resident |',
        '| --- | --- | --- | --- | --- | --- |'
    ]
    for variant in variants:
        result = results[variant.name]
        memory = (f'{result["step_memory_mb"]:.0f} MiB'
                  if cuda else 'n/a (CPU)')
        inference = (
            f'{result["test_step_s"] * 1000:.1f} ms | '
            f'{base["test_step_s"] / result["test_step_s"]:.2f}x'
            if result['test_step_s'] else '- | -')
        rows.append(
            f'| {variant.label()} | {result["train_step_s"]:.3f} s | '
            f'{base["train_step_s"] / result["train_step_s"]:.2f}x | '
            f'{inference} | {memory} |')
    return '\n'.join(rows)


if __name__ == '__main__':
    main()
