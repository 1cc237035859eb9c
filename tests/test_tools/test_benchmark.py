"""tools/analysis_tools/benchmark.py: speed, memory, fp32 vs AMP."""
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from uda_test_utils import REPO_ROOT, load_tool, make_uda_batch

TOOL = osp.join(REPO_ROOT, 'tools', 'analysis_tools', 'benchmark.py')


@pytest.mark.parametrize('config', [
    'configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py',
    'configs/source_only/deeplabv2_r18_toy-gta2cs.py'
])
def test_benchmark_reports_speed_and_memory(config):
    proc = subprocess.run([
        sys.executable, TOOL,
        osp.join(REPO_ROOT, config), '--shape', '64', '64', '--batch-size',
        '1', '--warmup', '1', '--iters', '2'
    ],
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout + proc.stderr
    assert 'train step:' in out and 'inference:' in out
    assert 'images/s' in out and 'peak RSS' in out


def test_translator_times_its_training_step():
    tool = load_tool('analysis_tools/benchmark')
    results = tool.main([
        osp.join(REPO_ROOT,
                 'configs/translators/cyclegan_toy-gta2cs-bdl-perceptual.py'),
        '--shape', '32', '32', '--warmup', '1', '--iters', '2'
    ])
    result = results['fp32']
    assert result['train_step_s'] > 0 and result['train_images_per_s'] > 0
    assert result['test_step_s'] is None  # translators have no test step


def test_ldr_and_its_pretraining_time_their_training_steps():
    tool = load_tool('analysis_tools/benchmark')
    ldr = tool.main([
        osp.join(REPO_ROOT, 'configs/ldr/ldr_r18_toy-gta2cs.py'), '--shape',
        '32', '64', '--batch-size', '1', '--warmup', '1', '--iters', '1',
        '--cfg-options', 'model.reconstructor_checkpoint=None'
    ])['fp32']
    assert ldr['train_step_s'] > 0 and ldr['test_step_s'] > 0
    pretraining = tool.main([
        osp.join(REPO_ROOT, 'configs/ldr/ldr_recon-pretrain_toy-gta5.py'),
        '--shape', '32', '64', '--warmup', '1', '--iters', '1'
    ])['fp32']
    # one labelled domain, no inference step
    assert pretraining['train_images_per_s'] == pytest.approx(
        1 / pretraining['train_step_s'])
    assert pretraining['test_step_s'] is None


def test_compare_prints_ratios_of_all_variants():
    proc = subprocess.run([
        sys.executable, TOOL,
        osp.join(REPO_ROOT, 'configs/fada/fada_r18_toy-gta2cs.py'),
        '--shape', '32', '64', '--target-shape', '40', '48', '--batch-size',
        '1', '--warmup', '1', '--iters', '2', '--compare', '--amp-dtype',
        'bfloat16',
        '--cfg-options', 'model.segmentor_checkpoint=None'
    ],
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout + proc.stderr
    assert '1 image(s) of 32x64 per domain (target 40x48)' in out
    assert 'variants alternating' in out
    table = [line for line in out.splitlines() if line.startswith('| ')]
    assert table[0].startswith('| variant | train step | speed-up |')
    rows = {
        line.split('|')[1].strip(): line.split('|')[2:-1]
        for line in table[2:]
    }
    assert list(rows) == [
        'fp32', 'amp (bfloat16)', 'amp+channels-last (bfloat16)'
    ]
    assert rows['fp32'][1].strip() == '1.00x'
    for cells in rows.values():
        assert float(cells[0].strip().rstrip(' s')) > 0
        assert float(cells[1].strip().rstrip('x')) > 0


def test_amp_channels_last_variant_runs_bf16_nhwc():
    tool = load_tool('analysis_tools/benchmark')
    cfg = Config.fromfile(
        osp.join(REPO_ROOT,
                 'configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py'))
    variant = tool.Variant(
        'amp+channels-last',
        cfg,
        'cpu',
        amp=True,
        amp_dtype='bfloat16',
        channels_last=True)
    assert variant.label() == 'amp+channels-last (bfloat16)'
    for wrapper in variant.optim_wrapper.values():
        assert isinstance(wrapper, tool.CPUAutocastOptimWrapper)
        assert wrapper.cast_dtype == torch.bfloat16
    outputs = []
    conv = variant.model.model.decode_head.aspp_branches[0]
    conv.register_forward_hook(lambda m, i, o: outputs.append(o))
    batch = make_uda_batch(batch_size=1, size=(32, 64), num_classes=19)
    variant.train(batch, record=True)
    assert len(variant.train_times) == 1
    # source and target forwards, in bf16 and NHWC
    assert [o.dtype for o in outputs] == [torch.bfloat16] * 2
    assert all(
        o.is_contiguous(memory_format=torch.channels_last) for o in outputs)
    # the fp32 variant of the same config is left alone
    fp32 = tool.Variant('fp32', cfg, 'cpu')
    assert fp32.label() == 'fp32'
    assert all(
        type(w).__name__ == 'OptimWrapper'
        for w in fp32.optim_wrapper.values())


def test_variants_take_turns():
    tool = load_tool('analysis_tools/benchmark')
    calls = []

    class Recorder:

        def __init__(self, name):
            self.name = name

        def train(self, batch, record):
            calls.append((self.name, record))

    tool.run_alternating([Recorder('a'), Recorder('b')], 'train', {}, 1, 2)
    assert calls == [('a', False), ('b', False), ('a', True), ('b', True),
                     ('a', True), ('b', True)]


def test_compare_names_its_variants():
    tool = load_tool('analysis_tools/benchmark')
    assert tool.parse_args(['cfg.py']).compare is None
    assert tool.parse_args(['cfg.py', '--compare']).compare == []
    args = tool.parse_args(
        ['cfg.py', '--compare', 'fp32', 'fp32+channels-last'])
    assert args.compare == ['fp32', 'fp32+channels-last']
    with pytest.raises(SystemExit):
        tool.parse_args(['cfg.py', '--compare', 'fp8'])


def test_baseline_source_only_prints_ratios():
    """A UDA step beside its own segmentor's source-only step: both timed
    in one run, memory from one process each, ratios printed."""
    tool = load_tool('analysis_tools/benchmark')
    results = tool.main([
        osp.join(REPO_ROOT, 'configs/dacs/dacs_r18_toy-gta2cs.py'),
        '--shape', '32', '64', '--batch-size', '1', '--warmup', '1',
        '--iters', '2', '--baseline', 'source-only'
    ])
    model, baseline = results['fp32'], results['baseline: source-only']
    # the DACS step runs the student twice and the teacher once
    assert model['train_step_s'] > baseline['train_step_s'] > 0
    memory = results['memory_mb']
    assert set(memory) == {'fp32', 'baseline: source-only'}
    assert all(value > 0 for value in memory.values())


def test_source_only_needs_a_uda_config():
    tool = load_tool('analysis_tools/benchmark')
    with pytest.raises(ValueError, match='need a UDA config'):
        tool.main([
            osp.join(REPO_ROOT,
                     'configs/source_only/deeplabv2_r18_toy-gta2cs.py'),
            '--shape', '32', '32', '--source-only'
        ])
