"""Every model's train_step under bfloat16 AMP on CPU vs the fp32 step.

The configs are switched to mixed precision by ``amp_config`` (what
``tools/train.py --amp`` does) and built into one MMEngine
``AmpOptimWrapper`` per child, exactly as the runner does. MMEngine refuses
to build ``AmpOptimWrapper`` without a GPU, although its autocast works on
CPU in bfloat16 (its CUDA loss scaler disables itself there); the tests
lift only that device check.

Adding a model is one line in ``AMP_CASES``. A case whose fp32 step is
itself sensitive to rounding of bfloat16's size sets ``sensitive=True``:
its bounds are then derived from that measured sensitivity (see
``fp32_sensitivity``) instead of set by hand.
"""
import copy
import math
import os.path as osp
import warnings
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple
from unittest import mock

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import AmpOptimWrapper, build_optim_wrapper
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from torch.nn import functional as F
from torch.overrides import TorchFunctionMode
from uda_test_utils import REPO_ROOT, make_uda_batch, toy_segmentor_cfg

from mmseg_uda.utils import amp_config

#: A bf16 step's losses may differ from the fp32 step's by
#: ``ATOL + rtol * |fp32|`` (``rtol`` per case, default RTOL). Measured
#: (seeds below): at most 6e-5 relative for the segmentation models, whose
#: losses ``float32_loss`` computes from upcast network outputs; without it
#: FADA's domain-encoding losses deviate by 4e-3. CycleGAN's L1 terms
#: compare the generators' bf16 images themselves: up to 1.2e-2.
RTOL, ATOL = 1e-3, 1e-4
#: Every child's bf16 gradient (as its optimizer sees it) vs the fp32 one:
#: cosine similarity at least ``min_grad_cosine`` (per case), norm ratio
#: within NORM_RATIO. Measured: cosine >= 0.94 and ratio >= 0.92 (the
#: vanilla-GAN discriminator: its source and target terms nearly cancel at
#: initialisation, which amplifies rounding). Sensitive cases widen these
#: bounds by their measured fp32 sensitivity (below).
MIN_GRAD_COSINE, NORM_RATIO = 0.9, (0.8, 1.25)
#: Sensitive cases: the fp32 step is repeated SENSITIVITY_DRAWS times with
#: noise of bfloat16's size (relative spacing BF16_EPS) on what autocast
#: rounds, every convolution's and linear layer's weight and output (see
#: ``Bf16SizedNoise``). Each bound is SENSITIVITY_FACTOR times the largest
#: deviation of these steps from the plain fp32 step, and never tighter
#: than the default bound. Measured: the bf16 step deviates by at most
#: 1.1 times the largest of four draws (mostly well below it, whatever the
#: CPU kernels); the factor covers the spread of a four-draw maximum.
BF16_EPS = 2.0**-8
SENSITIVITY_DRAWS, SENSITIVITY_FACTOR = 4, 2.0


def with_target_labels(batch: dict) -> dict:
    """Give the target samples pseudo labels, a quarter ignored (255)."""
    generator = torch.Generator().manual_seed(7)
    for sample in batch['target']['data_samples']:
        label = torch.randint(0, 19, (1, 32, 64), generator=generator)
        label[:, :, :16] = 255
        sample.gt_sem_seg = PixelData(data=label)
    return batch


def with_soft_target_labels(batch: dict) -> dict:
    """Give the target samples soft pseudo labels (probability maps)."""
    generator = torch.Generator().manual_seed(8)
    for sample in batch['target']['data_samples']:
        logits = 3 * torch.randn((19, 32, 64), generator=generator)
        sample.gt_soft_seg = PixelData(data=logits.softmax(dim=0))
    return batch


def frozen_segmentor_options(tmp_path) -> dict:
    """CycleGAN options adding BDL's perceptual and CIRN's semantic terms."""
    checkpoint = str(tmp_path / 'segmentor.pth')
    torch.manual_seed(3)
    torch.save(
        dict(state_dict=MODELS.build(toy_segmentor_cfg()).state_dict()),
        checkpoint)
    return {
        'model.segmentor': toy_segmentor_cfg(),
        'model.segmentor_checkpoint': checkpoint,
        'model.perceptual_loss': dict(type='SegPerceptualLoss'),
        'model.semantic_loss': dict(type='SemanticConsistencyLoss')
    }


class AmpCase(NamedTuple):
    """A model config, what its train_step needs and its tolerances."""
    config: str
    options: Optional[Callable[..., dict]] = None  # (tmp_path) -> options
    prepare_batch: Callable[[dict], dict] = lambda batch: batch
    rtol: float = RTOL
    min_grad_cosine: float = MIN_GRAD_COSINE
    norm_ratio: Tuple[float, float] = NORM_RATIO
    sensitive: bool = False  # widen the bounds by the fp32 sensitivity


AMP_CASES = {
    'adaptsegnet':
    AmpCase('configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py'),
    'adaptsegnet-lsgan':
    AmpCase('configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py',
            lambda _: {'model.gan_loss.gan_type': 'lsgan'}),
    'fada':
    AmpCase('configs/fada/fada_r18_toy-gta2cs.py',
            lambda _: {'model.segmentor_checkpoint': None}),
    'fada-official-losses':
    AmpCase(
        'configs/fada/fada_r18_toy-gta2cs.py', lambda _: {
            'model.segmentor_checkpoint': None,
            'model.source_ce_temperature': 1.8,
            'model.disc_term_weight': 0.5
        }),
    'self-training':
    AmpCase('configs/self_training/self-training_r18_toy-gta2cs.py',
            prepare_batch=with_target_labels),
    'self-training-soft':
    AmpCase('configs/self_training/self-training_r18_toy-gta2cs.py',
            prepare_batch=with_soft_target_labels),
    'bdl-eq1':
    AmpCase('configs/bdl/bdl_r18_toy-gta2cs.py'),
    'bdl-eq3':
    AmpCase('configs/bdl/bdl_r18_toy-gta2cs-ssl.py',
            prepare_batch=with_target_labels),
    'cirn':
    AmpCase('configs/cirn/cirn_r18_toy-gta2cs.py'),
    'cirn-k0':
    AmpCase('configs/cirn/cirn_r18_toy-gta2cs-k0.py'),
    'cyclegan':
    AmpCase('configs/translators/cyclegan_toy-gta2cs.py', rtol=0.03),
    # At the paper's tau = 1e-3 the label map is a step function of the
    # logits: G's reconstruction gradient comes from the few pixels where
    # two classes nearly tie, and any perturbation of bf16's size moves
    # them (fp32 draws of bf16-sized noise: segmentor gradient cosine 0.2
    # to 0.75, norm ratio 0.6 to 0.85). At tau = 1e-2 bf16 meets the
    # default bounds: the reconstruction path itself is autocast-safe.
    'ldr':
    AmpCase('configs/ldr/ldr_r18_toy-gta2cs.py',
            lambda _: {'model.reconstructor_checkpoint': None},
            with_target_labels, sensitive=True),
    'ldr-tau1e-2':
    AmpCase('configs/ldr/ldr_r18_toy-gta2cs.py',
            lambda _: {'model.reconstructor_checkpoint': None,
                       'model.tau': 0.01},
            with_target_labels, rtol=0.03),
    'ldr-recon-pretrain':
    AmpCase('configs/ldr/ldr_recon-pretrain_toy-gta5.py',
            prepare_batch=lambda batch: batch['source'], rtol=0.03),
    # BDL's perceptual terms are L1 distances between a random segmentor's
    # outputs on an image and on its translation or reconstruction: their
    # values move by up to 4% and the generators' gradient (the signs of
    # those differences) to cosine 0.55 under fp32 draws of bf16-sized
    # noise.
    'cyclegan-consistency':
    AmpCase(
        'configs/translators/cyclegan_toy-gta2cs.py',
        frozen_segmentor_options,
        sensitive=True),
}


def build_optim(model, optim_cfg):
    """Build the wrappers; allow ``AmpOptimWrapper`` on a CPU machine."""
    with mock.patch(
            'mmengine.optim.optimizer.amp_optimizer_wrapper.'
            'is_cuda_available',
            return_value=True), warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='.*GradScaler.*')
        return build_optim_wrapper(model, optim_cfg)


def train_once(model, optim_cfg, batch) -> Tuple[dict, dict]:
    """Log vars of one step and each child's gradient as its optimizer saw.
    """
    optim_wrapper = build_optim(model, optim_cfg)
    grads = {}
    for name, wrapper in optim_wrapper.items():

        def record(optimizer, args, kwargs, name=name):
            grads[name] = torch.cat([
                p.grad.flatten() for group in optimizer.param_groups
                for p in group['params'] if p.grad is not None
            ])

        wrapper.optimizer.register_step_pre_hook(record)
    torch.manual_seed(1)  # image pools, dropout: the same in both steps
    return model.train_step(copy.deepcopy(batch), optim_wrapper), grads


class Bf16SizedNoise(TorchFunctionMode):
    """Multiply conv / linear weights and outputs by ``1 + eps * N(0, 1)``.

    An fp32 stand-in for autocast's rounding to bfloat16: each weight gets
    one noise draw for the whole step (rounding a weight is systematic),
    each output a fresh one. Applies to every module, also to models kept
    outside the module tree (the translators' frozen segmentor).
    """

    LAYERS = (F.conv1d, F.conv2d, F.conv3d, F.conv_transpose1d,
              F.conv_transpose2d, F.conv_transpose3d, F.linear)

    def __init__(self, eps: float, seed: int) -> None:
        super().__init__()
        self.eps = eps
        self.generator = torch.Generator().manual_seed(seed)
        self.weight_noise = {}  # id -> (weight, noise): keeps ids valid

    def noise(self, like: torch.Tensor) -> torch.Tensor:
        return 1 + self.eps * torch.randn(
            like.shape, generator=self.generator, dtype=like.dtype)

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func not in self.LAYERS:
            return func(*args, **kwargs)
        inputs, weight, *rest = args
        if id(weight) not in self.weight_noise:
            self.weight_noise[id(weight)] = (weight, self.noise(weight))
        weight = weight * self.weight_noise[id(weight)][1]
        output = func(inputs, weight, *rest, **kwargs)
        return output * self.noise(output)


#: One step's deviation from a reference step: ('loss', key) -> relative
#: difference, ('cosine', child) -> 1 - gradient cosine, ('norm', child)
#: -> |log| of the gradient norm ratio.
Deviation = Dict[Tuple[str, str], float]


def deviation(ref: Tuple[dict, dict], step: Tuple[dict, dict]) -> Deviation:
    """How far ``step`` (log vars, gradients) is from ``ref``."""
    (ref_logs, ref_grads), (logs, grads) = ref, step
    result = {('loss', key):
              (abs(logs[key] - value) / abs(value).clamp(min=ATOL)).item()
              for key, value in ref_logs.items() if 'loss' in key}
    for child, grad in ref_grads.items():
        cosine = F.cosine_similarity(grad, grads[child], dim=0)
        result[('cosine', child)] = 1 - cosine.item()
        result[('norm', child)] = abs(
            math.log(grads[child].norm() / grad.norm()))
    return result


def fp32_sensitivity(model, optim_cfg, batch,
                     fp32_step: Tuple[dict, dict]) -> Deviation:
    """Largest deviation of fp32 steps under :class:`Bf16SizedNoise`.

    ``model`` is left untouched (every draw trains a copy).
    """
    draws: List[Deviation] = []
    for seed in range(SENSITIVITY_DRAWS):
        with Bf16SizedNoise(BF16_EPS, seed):
            step = train_once(copy.deepcopy(model), optim_cfg, batch)
        draws.append(deviation(fp32_step, step))
    return {key: max(draw[key] for draw in draws) for key in draws[0]}


class Bounds(NamedTuple):
    """How far a bf16 step may be from the fp32 step, per loss and child."""
    rtol: Dict[str, float]
    min_grad_cosine: Dict[str, float]
    norm_ratio: Dict[str, Tuple[float, float]]


def step_bounds(spec: AmpCase, logs: dict, children: List[str],
                sensitivity: Optional[Deviation] = None) -> Bounds:
    """The case's bounds, widened by ``sensitivity`` where it is given."""
    if sensitivity is None:
        sensitivity = {}

    def widen(kind: str, name: str, default: float) -> float:
        return max(default,
                   SENSITIVITY_FACTOR * sensitivity.get((kind, name), 0.0))

    low, high = spec.norm_ratio
    log_ratio = {c: widen('norm', c, 0.0) for c in children}
    return Bounds(
        rtol={k: widen('loss', k, spec.rtol)
              for k in logs if 'loss' in k},
        min_grad_cosine={
            c: 1 - widen('cosine', c, 1 - spec.min_grad_cosine)
            for c in children
        },
        norm_ratio={
            c: (min(low, math.exp(-log_ratio[c])),
                max(high, math.exp(log_ratio[c])))
            for c in children
        })


def trained_children(cfg: Config):
    return [
        key for key, value in cfg.optim_wrapper.items()
        if isinstance(value, dict)
    ]


@pytest.mark.parametrize('case', list(AMP_CASES))
def test_bf16_step_matches_fp32_step(case, tmp_path):
    spec = AMP_CASES[case]
    cfg = Config.fromfile(osp.join(REPO_ROOT, spec.config))
    if spec.options is not None:
        cfg.merge_from_dict(spec.options(tmp_path))
    amp_cfg = copy.deepcopy(cfg)
    assert amp_config(amp_cfg, 'bfloat16') == 'bfloat16'
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    amp_model = copy.deepcopy(model)
    initial = copy.deepcopy(model.state_dict())
    batch = spec.prepare_batch(
        make_uda_batch(batch_size=1, size=(32, 64), seed=5))

    # every child its own AmpOptimWrapper, bf16, with its own scaler
    amp_wrappers = build_optim(amp_model, amp_cfg.optim_wrapper)
    children = trained_children(cfg)
    assert sorted(amp_wrappers.keys()) == sorted(children)
    for wrapper in amp_wrappers.values():
        assert isinstance(wrapper, AmpOptimWrapper)
        assert wrapper.cast_dtype == torch.bfloat16
    assert len({id(w.loss_scaler) for w in amp_wrappers.values()}) == len(
        children)

    reference = copy.deepcopy(model) if spec.sensitive else None
    fp32_logs, fp32_grads = train_once(model, cfg.optim_wrapper, batch)
    bf16_logs, bf16_grads = train_once(amp_model, amp_cfg.optim_wrapper,
                                       batch)
    sensitivity = None
    if spec.sensitive:
        sensitivity = fp32_sensitivity(reference, cfg.optim_wrapper, batch,
                                       (fp32_logs, fp32_grads))
    bounds = step_bounds(spec, fp32_logs, children, sensitivity)

    assert set(bf16_logs) == set(fp32_logs)
    losses = [k for k in fp32_logs if 'loss' in k]
    assert losses
    report = {k: (fp32_logs[k].item(), bf16_logs[k].item()) for k in losses}
    for key in losses:
        assert torch.isfinite(bf16_logs[key]), (key, report)
        assert bf16_logs[key].dtype == torch.float32, key
        assert abs(bf16_logs[key] - fp32_logs[key]) <= (
            ATOL + bounds.rtol[key] * abs(fp32_logs[key])), (
                key, bounds.rtol[key], report)
    # autocast really ran: bf16 rounding shows in the losses
    assert any(bf16_logs[k] != fp32_logs[k] for k in losses), report

    state = amp_model.state_dict()
    for child in children:
        changed = [
            not torch.equal(state[k], initial[k]) for k in initial
            if k.startswith(child + '.') and initial[k].is_floating_point()
        ]
        assert any(changed), f'{child} did not change'
        assert torch.isfinite(bf16_grads[child]).all(), child
        cosine = F.cosine_similarity(
            fp32_grads[child], bf16_grads[child], dim=0)
        assert cosine >= bounds.min_grad_cosine[child], (
            child, cosine.item(), bounds.min_grad_cosine[child])
        ratio = bf16_grads[child].norm() / fp32_grads[child].norm()
        low, high = bounds.norm_ratio[child]
        assert low <= ratio <= high, (child, ratio.item(), (low, high))
