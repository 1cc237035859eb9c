"""tools/run_pipeline.py: references, skip / resume / dry run, the ported
FADA chain, and interrupted stages rerun without half-written outputs.

Stage commands run in this process (through ``runpy``): a subprocess per
stage would spend most of the test importing torch and mmseg.
"""
import glob
import json
import os.path as osp
import runpy
import sys

import mmengine.config.config
import pytest
from uda_test_utils import REPO_ROOT, load_tool

from mmseg_uda.apis.stage_runner import StageRunner, write_summary

BDL_TOY = osp.join(REPO_ROOT, 'configs/bdl/bdl_r18_toy-gta2cs_pipeline.py')
FADA_TOY = osp.join(REPO_ROOT,
                    'configs/fada/fada_r18_toy-gta2cs_pipeline.py')


@pytest.fixture
def tool():
    return load_tool('run_pipeline')


def dry_run(tool, capsys, pipeline, *args):
    tool.main([pipeline, '--dry-run'] + list(args))
    lines = capsys.readouterr().out.splitlines()
    commands = {}
    for line in lines:
        if line.startswith('[') and line.split(' ')[1] not in ('done',
                                                               'given:'):
            name, command = line.split(' ', 1)
            commands[name.strip('[]')] = command.split()
    return commands, lines


def option(command, key):
    values = [a.split('=', 1)[1] for a in command if a.startswith(key + '=')]
    assert len(values) == 1, (key, command)
    return values[0]


def test_bdl_loop_chains_every_round(tool, capsys, tmp_path):
    root = str(tmp_path / 'work')
    commands, _ = dry_run(tool, capsys, BDL_TOY, '--work-root', root,
                          '--seed', '3')
    seed_root = osp.join(root, 'seed3')
    # M^(0), 2 x (F, translation, M_0, 2 x (labels, M_i)), a test per M
    names = list(commands)
    assert names[:4] == ['m0', 'test_m0', 'f_k1', 'translated_k1']
    assert [n for n in names if n.startswith('m')] == [
        'm0', 'm0_k1', 'm1_k1', 'm2_k1', 'm0_k2', 'm1_k2', 'm2_k2'
    ]
    assert len([n for n in names if n.startswith('test_')]) == 7
    ckpt = {
        name: osp.join(seed_root, name, f'iter_{1000 if name == "m0" else 200}'
                       '.pth')
        for name in ('m0', 'm0_k1', 'm1_k1', 'm2_k1', 'm0_k2', 'm1_k2')
    }
    # the perceptual loss of F^(1) goes through M^(0), of F^(2) through
    # M_2^(1)
    assert option(commands['f_k1'],
                  'model.segmentor_checkpoint') == ckpt['m0']
    assert option(commands['f_k2'],
                  'model.segmentor_checkpoint') == ckpt['m2_k1']
    # each round's M trains on its own translations
    for k in (1, 2):
        translated = osp.join(seed_root, f'translated_k{k}')
        assert commands[f'translated_k{k}'][-4:] == [
            '--out-root', translated, '--scale', '128', '64'
        ][-4:]
        for i in (0, 1, 2):
            assert option(commands[f'm{i}_k{k}'],
                          'train_dataloader.dataset.source.data_root'
                          ) == translated
    # labels of M_{i-1}^(k) feed M_i^(k)
    labels = commands['labels_m2_k2']
    assert ckpt['m1_k2'] in labels and 'class-median' in labels
    assert option(
        commands['m2_k2'],
        'train_dataloader.dataset.target.data_prefix.seg_map_path') == (
            osp.join(seed_root, 'labels_m2_k2'))
    assert commands['m2_k2'][2].endswith('bdl_r18_toy-gta2cs-ssl.py')
    assert commands['m0_k2'][2].endswith('bdl_r18_toy-gta2cs.py')
    # toy: every M fine-tunes its predecessor; the seed reaches every
    # training, no option resolved to None is passed
    assert option(commands['m0_k2'],
                  'model.segmentor_checkpoint') == ckpt['m2_k1']
    for name, command in commands.items():
        assert 'load_from=None' not in command
        if not name.startswith(('test_', 'labels_', 'translated_')):
            assert option(command, 'randomness.seed') == '3'
            assert '--resume' in command


def test_ldr_chain(tool, capsys, tmp_path):
    root = str(tmp_path / 'work')
    commands, _ = dry_run(
        tool, capsys,
        osp.join(REPO_ROOT, 'configs/ldr/ldr_r18_toy-gta2cs_pipeline.py'),
        '--work-root', root)
    assert list(commands)[:9] == [
        'source_only', 'translator', 'translated_train', 'translated_val',
        'recon', 'labeller', 'labels', 'ldr', 't2s_only'
    ]
    translated = dict(
        train=osp.join(root, 'translated_train'),
        val=osp.join(root, 'translated_val'))
    # the target train and val sets, each translated to the source style
    for split in ('train', 'val'):
        command = commands[f'translated_{split}']
        assert command[command.index('--dataset') + 1] == (
            f'target_{split}_dataset')
        assert command[command.index('--out-root') + 1] == translated[split]
    recon = osp.join(root, 'recon', 'iter_2000.pth')
    labeller = osp.join(root, 'labeller', 'iter_1000.pth')
    # the labeller (alpha = beta = 0) labels the translated train set
    assert commands['labeller'][2].endswith('t2s-only-round0.py')
    labels = commands['labels']
    assert labeller in labels and 'class-median' in labels
    assert option(labels,
                  'target_train_dataset.data_root') == translated['train']
    # LDR and its "T->S" ablation: the same data, labels and start
    for name, config in (('ldr', 'ldr_r18_toy-gta2cs.py'),
                         ('t2s_only', 'ldr_r18_toy-gta2cs-t2s-only.py')):
        command = commands[name]
        assert command[2].endswith(config)
        assert option(command, 'train_dataloader.dataset.target.data_root'
                      ) == translated['train']
        assert option(
            command,
            'train_dataloader.dataset.target.data_prefix.seg_map_path') == (
                osp.join(root, 'labels'))
        assert option(command, 'model.reconstructor_checkpoint') == recon
        assert option(command, 'model.segmentor_checkpoint') == labeller
        assert option(command, 'val_dataloader.dataset.data_root'
                      ) == translated['val']
    # every model on the translated val set and on the real one
    for name in ('source_only', 'labeller', 'ldr', 't2s_only'):
        assert option(commands[f'test_{name}'],
                      'test_dataloader.dataset.data_root') == translated['val']
        assert option(commands[f'test_{name}_untranslated'],
                      'test_dataloader.dataset.data_root') == (
                          'data/toy/cityscapes')


def test_paper_scale_bdl_restarts_every_m_from_imagenet(tool, capsys):
    commands, _ = dry_run(
        tool, capsys,
        osp.join(REPO_ROOT, 'configs/bdl/bdl_r101_gta2cs_pipeline.py'))
    for name in ('m0_k1', 'm1_k1', 'm2_k2'):
        assert not any(
            a.startswith('model.segmentor_checkpoint=')
            for a in commands[name])
    assert commands['translated_k1'][-3:] == ['--scale', '1024', '563']
    assert 'mpt' in commands['labels_m1_k1']
    assert option(commands['labels_m1_k1'] + ['--threshold=0.9'],
                  '--threshold') == '0.9'


def test_fada_chain_keeps_its_meaning(tool, capsys, tmp_path):
    """The stages of the former tools/run_fada_pipeline.py, in order."""
    root = str(tmp_path / 'work')
    commands, _ = dry_run(tool, capsys, FADA_TOY, '--work-root', root,
                          '--seed', '7', '--gpus', '2')
    assert list(commands) == [
        'warmup', 'adaptation', 'labels', 'distillation', 'test_adaptation',
        'test_distillation', 'test_distillation_mst'
    ]
    root = osp.join(root, 'seed7')
    warmup = commands['warmup']
    assert warmup[2].endswith('fada_r18_toy-gta2cs-warmup.py')
    # batch 4 (a total) split over two GPUs, the seed in every training
    for name in ('warmup', 'adaptation', 'distillation'):
        command = commands[name]
        assert 'dist_train.sh' in command[1] and '--resume' in command
        assert option(command, 'train_dataloader.batch_size') == '2'
        assert option(command, 'randomness.seed') == '7'
    # adaptation from the warm-up's final checkpoint
    assert option(commands['adaptation'],
                  'model.segmentor_checkpoint') == osp.join(
                      root, 'warmup', 'iter_1000.pth')
    # argmax labels of the adapted model, where distillation reads them
    labels = commands['labels']
    assert osp.join(root, 'adaptation', 'iter_1000.pth') in labels
    assert labels[labels.index('--policy') + 1] == 'argmax'
    assert '--nproc_per_node=2' in labels and '--launcher' in labels
    assert option(commands['distillation'],
                  'train_dataloader.dataset.data_prefix.seg_map_path') == (
                      osp.join(root, 'labels'))
    assert '--tta' in commands['test_distillation_mst']
    assert '--tta' not in commands['test_distillation']


def test_fada_reuses_a_given_warmup(tool, capsys, tmp_path):
    given = str(tmp_path / 'source_only.pth')
    commands, lines = dry_run(tool, capsys, FADA_TOY, '--work-root',
                              str(tmp_path), '--given', f'warmup={given}')
    assert 'warmup' not in commands
    assert f'[warmup] given: {given}' in lines
    assert option(commands['adaptation'],
                  'model.segmentor_checkpoint') == given
    with pytest.raises(FileNotFoundError, match='does not exist'):
        tool.main([
            FADA_TOY, '--work-root',
            str(tmp_path), '--given', f'warmup={given}'
        ])


def test_given_names_a_train_stage(tool, tmp_path):
    with pytest.raises(KeyError, match=r"no train stage 'labels'.*'warmup'"):
        tool.main([
            FADA_TOY, '--work-root',
            str(tmp_path), '--dry-run', '--given', 'labels=x.pth'
        ])
    with pytest.raises(KeyError, match="no train stage 'warm_up'"):
        tool.main([
            FADA_TOY, '--work-root',
            str(tmp_path), '--dry-run', '--given', 'warm_up=x.pth'
        ])


def test_toy_pipeline_runs_on_the_second_pair(tool, capsys, tmp_path):
    """--toy-pair b: every stage reads data/toy-b, outputs under toy-b."""
    commands, _ = dry_run(tool, capsys, FADA_TOY, '--work-root', str(tmp_path),
                          '--seed', '1', '--toy-pair', 'b', '--cfg-options',
                          'val_dataloader.num_workers=0')
    root = osp.join(str(tmp_path), 'toy-b', 'seed1')
    assert option(commands['adaptation'],
                  'model.segmentor_checkpoint') == osp.join(
                      root, 'warmup', 'iter_1000.pth')
    uda = ('train_dataloader.dataset.source.data_root',
           'train_dataloader.dataset.target.data_root')
    for name, command in commands.items():
        paths = [a for a in command if 'data/toy' in a]
        assert paths and all('data/toy-b/' in a for a in paths), name
        assert option(
            command,
            'test_dataloader.dataset.data_root') == ('data/toy-b/cityscapes')
        # the command line's own settings still apply
        assert option(command, 'val_dataloader.num_workers') == '0'
        # each stage gets the keys its own config has
        has_uda_keys = [key for key in uda if key + '=' in ' '.join(command)]
        is_uda = command[2].endswith('fada_r18_toy-gta2cs.py')
        assert has_uda_keys == (list(uda) if is_uda else []), name
    assert option(commands['adaptation'], uda[0]) == 'data/toy-b/gta5'
    with pytest.raises(ValueError, match='no toy pipeline'):
        tool.main([
            osp.join(REPO_ROOT, 'configs/fada/fada_r101_gta2cs_pipeline.py'),
            '--toy-pair', 'b', '--dry-run'
        ])


PIPELINES = sorted(
    glob.glob(osp.join(REPO_ROOT, 'configs', '*', '*_pipeline.py')))


@pytest.mark.parametrize('pipeline', PIPELINES, ids=osp.basename)
def test_every_pipeline_config_resolves(tool, capsys, pipeline, tmp_path):
    commands, _ = dry_run(tool, capsys, pipeline, '--work-root',
                          str(tmp_path))
    assert commands
    for name, command in commands.items():
        for arg in command:
            assert '${' not in arg and 'None' != arg, (name, arg)
        assert osp.isfile(osp.join(REPO_ROOT, command[2])), (name, command)


def test_references_are_checked_before_anything_runs(tool, tmp_path):
    bad = tmp_path / 'bad_pipeline.py'
    bad.write_text(
        "stages = [dict(name='a', type='test', config='x.py', "
        "checkpoint='${b.checkpoint}')]\n")
    with pytest.raises(KeyError, match='neither an earlier stage'):
        tool.main([str(bad), '--dry-run'])
    bad.write_text("stages = [dict(name='a', type='tset', config='x.py')]\n")
    with pytest.raises(ValueError, match='type must be one of'):
        tool.main([str(bad), '--dry-run'])
    bad.write_text("configs = 1\nstages = [dict(name='configs', "
                   "type='train', config='x.py')]\n")
    with pytest.raises(ValueError, match='ambiguous'):
        tool.main([str(bad), '--dry-run'])


def run_in_process(command, monkeypatch):
    """Run ``python SCRIPT ARGS...`` as ``__main__`` in this process."""
    assert command[0] == sys.executable, command
    with monkeypatch.context() as patch:
        patch.setattr(sys, 'argv', command[1:])
        runpy.run_path(command[1], run_name='__main__')


TINY = [
    'train_cfg.max_iters=2', 'train_cfg.val_interval=100',
    'default_hooks.checkpoint.interval=1', 'default_hooks.logger.interval=1',
    'param_scheduler.segmentor.0.end=2'
] + [
    f'{loader}.{key}'
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
    for key in ('num_workers=0', 'persistent_workers=False')
]


def write_tiny_pipeline(path):
    """Source-only -> labels -> BDL Eq. 3 -> test, on the toy configs."""
    path.write_text(f"""
stages = [
    dict(name='m0', type='train',
         config='{REPO_ROOT}/configs/bdl/bdl_r18_toy-gta2cs.py',
         cfg_options={{'train_dataloader.dataset.source.data_root':
                       'data/toy/gta5'}}),
    dict(name='labels', type='pseudo_label', config='${{m0.config}}',
         checkpoint='${{m0.checkpoint}}', args=['--num-workers', '0']),
    dict(name='m1', type='train',
         config='{REPO_ROOT}/configs/bdl/bdl_r18_toy-gta2cs-ssl.py',
         cfg_options={{
             'train_dataloader.dataset.source.data_root': 'data/toy/gta5',
             'train_dataloader.dataset.target.data_prefix.seg_map_path':
             '${{labels.out_dir}}',
             'model.segmentor_checkpoint': '${{m0.checkpoint}}'}}),
    dict(name='test_m1', type='test', config='${{m1.config}}',
         checkpoint='${{m1.checkpoint}}'),
]
""")


class Interrupt(Exception):
    """Stands for a kill in the middle of a stage."""


def test_tiny_pipeline_runs_skips_and_resumes(tool, toy_workspace, tmp_path,
                                              monkeypatch, capsys):
    pipeline = tmp_path / 'tiny_pipeline.py'
    write_tiny_pipeline(pipeline)
    monkeypatch.chdir(toy_workspace)
    # The runners dump their configs; yapf-formatting them would take most
    # of the test (Config.fromfile ignores format_python_code).
    monkeypatch.setattr(mmengine.config.config, 'FormatCode',
                        lambda text, **kwargs: (text, False))
    root = tmp_path / 'work'
    args = [str(pipeline), '--work-root', str(root), '--cfg-options'] + TINY
    ran = []

    def run(self, command):
        ran.append(osp.basename(command[1]))
        run_in_process(command, monkeypatch)

    monkeypatch.setattr(StageRunner, 'run_command', run)

    # 1) killed during the second training after its first checkpoint
    from mmengine.hooks import CheckpointHook
    original_after_iter = CheckpointHook.after_train_iter

    def kill_after_first_checkpoint(self, runner, *a, **kw):
        original_after_iter(self, runner, *a, **kw)
        if 'm1' in runner.work_dir and runner.iter == 0:  # iter_1 saved
            raise Interrupt

    monkeypatch.setattr(CheckpointHook, 'after_train_iter',
                        kill_after_first_checkpoint)
    with pytest.raises(Interrupt):
        tool.main(args)
    assert ran == ['train.py', 'gen_pseudo_labels.py', 'train.py']
    assert osp.isfile(root / 'stages' / 'm0.json')
    assert osp.isfile(root / 'stages' / 'labels.json')
    assert not osp.exists(root / 'stages' / 'm1.json')
    assert osp.isfile(root / 'm1' / 'iter_1.pth')
    assert not osp.exists(root / 'm1' / 'iter_2.pth')
    monkeypatch.setattr(CheckpointHook, 'after_train_iter',
                        original_after_iter)

    # 2) rerun: m0 and the labels are skipped, m1 resumes from iter 1
    ran.clear()
    capsys.readouterr()
    summary = tool.main(args)
    out = capsys.readouterr().out
    assert ran == ['train.py', 'test.py']
    assert '[m0] done' in out and '[labels] done' in out
    with open(root / 'm1' / 'last_checkpoint') as f:
        assert f.read().strip().endswith('iter_2.pth')
    # the rerun resumed at iteration 1 and trained iteration 2 only
    newest_log = sorted((root / 'm1').glob('*/*.log'))[-1].read_text()
    assert 'resumed epoch: 0, iter: 1' in newest_log
    assert 'Iter(train) [2/2]' in newest_log
    assert 'Iter(train) [1/2]' not in newest_log
    assert 0 <= summary['test_m1']['metrics']['mIoU'] <= 100
    with open(root / 'summary.json') as f:
        written = json.load(f)
    assert set(written['stages']) == {'m0', 'labels', 'm1', 'test_m1'}

    # 3) a third run does nothing
    ran.clear()
    tool.main(args)
    assert ran == []

    # 4) a changed stage is not silently taken as done
    changed = args + ['model.target_loss.loss_weight=0.5']
    with pytest.raises(ValueError, match="Stage 'm0' ran with another"):
        tool.main(changed)
    assert ran == []


def test_interrupted_labelling_leaves_no_half_written_file(
        tool, toy_workspace, tmp_path, monkeypatch, capsys):
    pipeline = tmp_path / 'tiny_pipeline.py'
    write_tiny_pipeline(pipeline)
    monkeypatch.chdir(toy_workspace)
    monkeypatch.setattr(mmengine.config.config, 'FormatCode',
                        lambda text, **kwargs: (text, False))
    root = tmp_path / 'work'
    args = [str(pipeline), '--work-root', str(root), '--cfg-options'] + TINY
    monkeypatch.setattr(
        StageRunner, 'run_command',
        lambda self, command: run_in_process(command, monkeypatch))

    import mmseg_uda.utils.atomic_io as atomic_io
    original = atomic_io.atomic_write
    written = []

    def fail_on_third_label(path, content):
        if path.endswith('_pseudo.png'):
            written.append(path)
            if len(written) == 3:
                # killed while writing: the bytes never reach the final name
                raise Interrupt
        original(path, content)

    monkeypatch.setattr(atomic_io, 'atomic_write', fail_on_third_label)
    import mmseg_uda.engine.pseudo_labels.generator as generator
    if hasattr(generator, 'atomic_write'):
        monkeypatch.setattr(generator, 'atomic_write', fail_on_third_label)
    with pytest.raises(Interrupt):
        tool.main(args)
    label_dir = root / 'labels'
    done = sorted(p for p in label_dir.rglob('*_pseudo.png'))
    assert len(done) == 2
    assert not list(label_dir.rglob('*.tmp'))
    assert not osp.exists(root / 'stages' / 'labels.json')
    monkeypatch.setattr(atomic_io, 'atomic_write', original)
    if hasattr(generator, 'atomic_write'):
        monkeypatch.setattr(generator, 'atomic_write', original)

    tool.main(args)
    pngs = sorted(label_dir.rglob('*_pseudo.png'))
    assert len(pngs) == 8  # one per tiny toy target training image
    assert osp.isfile(root / 'stages' / 'labels.json')


@pytest.mark.parametrize(
    'pipeline,first_stage,consumer',
    [('configs/cirn/cirn_r18_toy-gta2cs_pipeline.py', 'source_only',
      'cir_translator'),
     ('configs/ldr/ldr_r18_toy-gta2cs_pipeline.py', 'source_only',
      'test_source_only'),
     ('configs/bdl/bdl_r18_toy-gta2cs_pipeline.py', 'm0', 'f_k1'),
     ('configs/self_training/self-training_r18_toy-gta2cs_pipeline.py',
      'source_only', 'labels')],
    ids=lambda value: osp.basename(value))
def test_a_given_source_only_model_is_used_not_trained(
        tool, capsys, tmp_path, pipeline, first_stage, consumer):
    given = tmp_path / 'source_only.pth'
    given.write_bytes(b'')
    commands, lines = dry_run(tool, capsys, osp.join(REPO_ROOT, pipeline),
                              '--work-root', str(tmp_path / 'work'),
                              '--given', f'{first_stage}={given}')
    assert first_stage not in commands
    assert any(line.startswith(f'[{first_stage}] given:') for line in lines)
    assert str(given) in ' '.join(commands[consumer])


def test_self_training_pipeline_trains_on_its_own_labels(
        tool, capsys, tmp_path):
    root = tmp_path / 'work'
    commands, _ = dry_run(
        tool, capsys,
        osp.join(REPO_ROOT, 'configs/self_training/'
                 'self-training_r18_toy-gta2cs_pipeline.py'), '--work-root',
        str(root), '--seed', '1', '--toy-pair', 'b')
    assert list(commands) == [
        'source_only', 'labels', 'self_training', 'test_source_only',
        'test_self_training'
    ]
    seed_root = root / 'toy-b' / 'seed1'
    labels = commands['labels']
    assert labels[labels.index('--out-dir') + 1] == str(seed_root / 'labels')
    assert labels[labels.index('--policy') + 1] == 'class-median'
    assert option(commands['self_training'],
                  'train_dataloader.dataset.target.data_prefix.seg_map_path'
                  ) == str(seed_root / 'labels')
    assert option(commands['self_training'],
                  'train_dataloader.dataset.target.data_root') == (
                      'data/toy-b/cityscapes')


def test_summary_keeps_the_stages_of_other_pipelines(tmp_path):

    def write(pipeline, stages):
        write_summary(str(tmp_path), pipeline, 0, stages)

    write('main_pipeline.py', {'m0': {'metrics': {'mIoU': 1.0}}})
    write('ablation_pipeline.py', {'m0': {'metrics': {'mIoU': 1.0}},
                                   'extra': {'metrics': {'mIoU': 2.0}}})
    write('main_pipeline.py', {'m0': {'metrics': {'mIoU': 3.0}}})
    with open(tmp_path / 'summary.json') as f:
        summary = json.load(f)
    assert [osp.basename(p) for p in summary['pipelines']] == [
        'main_pipeline.py', 'ablation_pipeline.py'
    ]
    assert summary['stages'] == {
        'm0': {'metrics': {'mIoU': 3.0}},
        'extra': {'metrics': {'mIoU': 2.0}}
    }


def test_ldr_with_bdl_labels_labels_the_untranslated_target(
        tool, capsys, tmp_path):
    given = {}
    for name in ('labeller', 'translator', 'recon'):
        given[name] = tmp_path / f'{name}.pth'
        given[name].write_bytes(b'')
    root = tmp_path / 'work'
    commands, lines = dry_run(
        tool, capsys,
        osp.join(REPO_ROOT,
                 'configs/ldr/ldr_r18_toy-gta2cs-bdl-labels_pipeline.py'),
        '--work-root', str(root), '--given',
        *[f'{name}={path}' for name, path in given.items()])
    for name in given:
        assert name not in commands
        assert f'[{name}] given: {given[name]}' in lines
    labels = commands['labels']
    assert labels[3] == str(given['labeller'])
    assert option(labels,
                  'target_train_dataset.data_root') == 'data/toy/cityscapes'
    # LDR fine-tunes the labeller on the translated target and its labels
    ldr = commands['ldr']
    assert option(ldr, 'model.segmentor_checkpoint') == str(given['labeller'])
    assert option(ldr, 'train_dataloader.dataset.target.data_root') == str(
        root / 'translated_train')
    assert option(ldr, 'model.reconstructor_checkpoint') == str(
        given['recon'])
    assert commands['translated_train'][3] == str(given['translator'])
