import copy
import functools
import glob
import math
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
import uda_test_utils
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.optim import build_optim_wrapper
from mmseg.registry import MODELS
from uda_test_utils import REPO_ROOT, acm_segmentor_cfg, load_tool

from mmseg_uda.models import CIRN, SelfTraining

CIRN_DIR = osp.join(REPO_ROOT, 'configs', 'cirn')


def build_cirn(segmentor_cfg, **kwargs):
    torch.manual_seed(0)
    return uda_test_utils.build_cirn(segmentor_cfg, **kwargs)


@pytest.fixture(autouse=True)
def progress():
    """Set the iteration the runner's RuntimeInfoHook would publish.

    Every test starts at iteration 0 without ``max_iters`` (no damping),
    whatever an earlier in-process runner left in the current MessageHub.
    """
    hub = MessageHub.get_current_instance()
    before = (hub.get_info('iter'), hub.get_info('max_iters'))

    def set_progress(iteration, max_iters):
        hub.update_info('iter', iteration)
        hub.update_info('max_iters', max_iters)

    set_progress(0, None)
    yield set_progress
    set_progress(*before)


def params_of(module):
    return [p.detach().clone() for p in module.parameters()]


def test_train_step_updates_and_logs_every_term(make_uda_batch):
    model, optim_wrapper = build_cirn(acm_segmentor_cfg())
    assert isinstance(model, CIRN)
    head = model.model.decode_head
    head_before = params_of(head)
    seg_before = params_of(model.segmentor)
    disc_before = params_of(model.discriminator)
    log_vars = model.train_step(make_uda_batch(), optim_wrapper)
    assert {
        'source.decode.loss_ce', 'source.aux.loss_ce', 'loss_adv.decode_head',
        'loss_weight_discrepancy.decode_head', 'cos_distance.decode_head',
        'loss_disc.decode_head.source', 'loss_disc.decode_head.target',
        'acc_disc.decode_head.source', 'acc_disc.decode_head.target'
    } <= set(log_vars)
    assert all(torch.isfinite(v) for v in log_vars.values())
    assert 0 <= log_vars['cos_distance.decode_head'] <= 1
    for domain in ('source', 'target'):
        assert 0 <= log_vars[f'acc_disc.decode_head.{domain}'] <= 1
    for before, module in ((seg_before, model.segmentor),
                           (disc_before, model.discriminator)):
        assert any(not torch.equal(a, b)
                   for a, b in zip(before, params_of(module)))
    # every part of C and the ACM (classifier, attention modules) learns
    assert all(not torch.equal(a, b)
               for a, b in zip(head_before, params_of(head)))


def bce(logits, label):
    """-log(sigmoid(x)) for label 1, -log(1 - sigmoid(x)) for label 0."""
    return torch.log1p(torch.exp(-logits if label else logits))


@pytest.mark.parametrize('iteration, weighted', [(30, True), (10, False)])
def test_losses_follow_equations_6_to_8(make_uda_batch, progress, iteration,
                                        weighted):
    # lr = 0: parameters stay, so the logged losses can be recomputed.
    model, optim_wrapper = build_cirn(
        acm_segmentor_cfg(),
        seg_lr=0.,
        disc_lr=0.,
        preheat_iters=20,
        lambda_cos=40.,
        epsilon=0.4)
    progress(iteration, 120)
    damping = 1 - iteration / 120
    batch = make_uda_batch(seed=3, size=(32, 64), target_size=(40, 48))
    log_vars = model.train_step(copy.deepcopy(batch), optim_wrapper)

    head = model.model.decode_head
    disc = model.discriminator.levels['decode_head']
    with torch.no_grad():
        out = {}
        for domain in ('source', 'target'):
            data = model.data_preprocessor(batch[domain], True)
            size = data['inputs'].shape[2:]
            p1, p2 = head.forward_branches(
                model.model.extract_feat(data['inputs']))
            up = [F.interpolate(p, size, mode='bilinear') for p in (p1, p2)]
            out[domain] = (data, up)
        # Eq. 6: one cross-entropy on softmax(p1 + p2)
        data, (up1, up2) = out['source']
        labels = torch.stack(
            [s.gt_sem_seg.data[0] for s in data['data_samples']])
        seg = F.cross_entropy(up1 + up2, labels)
        # R: 1 - cosine of the two branches' probabilities, per pixel
        _, (t1, t2) = out['target']
        q1, q2 = t1.softmax(1), t2.softmax(1)
        r = 1 - (q1 * q2).sum(
            1, keepdim=True) / (
                q1.norm(dim=1, keepdim=True) * q2.norm(dim=1, keepdim=True))
        pixel_weight = 0.4 + 40 * r if weighted else torch.ones_like(r)
        src_scores = disc((up1 + up2).softmax(1))
        tgt_scores = disc((t1 + t2).softmax(1))
        # Eq. 7, segmentor side: target predictions against the source
        # label (1), weighted per pixel, times lambda_adv and CLAN's damping
        adv = damping * 0.1 * (pixel_weight * bce(tgt_scores, 1)).mean()
        # Eq. 7, discriminator side
        d_src = bce(src_scores, 1).mean()
        d_tgt = (pixel_weight * bce(tgt_scores, 0)).mean()
        # CLAN's weight discrepancy: cos of all weights and biases, + 1
        w1 = torch.cat([p.flatten() for p in head.aspp_branches.parameters()])
        w2 = torch.cat([p.flatten() for p in head.acm_branches.parameters()])
        wd = damping * 0.02 * (w1 @ w2 / (w1.norm() * w2.norm()) + 1)
    torch.testing.assert_close(log_vars['source.decode.loss_ce'], seg)
    torch.testing.assert_close(log_vars['cos_distance.decode_head'], r.mean())
    torch.testing.assert_close(log_vars['loss_adv.decode_head'], adv)
    torch.testing.assert_close(log_vars['loss_disc.decode_head.source'], d_src)
    torch.testing.assert_close(log_vars['loss_disc.decode_head.target'], d_tgt)
    torch.testing.assert_close(log_vars['loss_weight_discrepancy.decode_head'],
                               wd)
    # independent N(0, 0.01) inits: nearly orthogonal classifiers
    assert math.isclose(
        log_vars['loss_weight_discrepancy.decode_head'] / damping,
        0.02,
        rel_tol=0.2)


def test_without_damping_or_weight_discrepancy(make_uda_batch, progress):
    progress(60, 120)
    batch = make_uda_batch(seed=4)
    damped, optim_wrapper = build_cirn(
        acm_segmentor_cfg(), seg_lr=0., disc_lr=0.)
    damped_vars = damped.train_step(copy.deepcopy(batch), optim_wrapper)
    plain, optim_wrapper = build_cirn(
        acm_segmentor_cfg(),
        seg_lr=0.,
        disc_lr=0.,
        damping=False,
        weight_discrepancy=None)
    plain_vars = plain.train_step(copy.deepcopy(batch), optim_wrapper)
    torch.testing.assert_close(damped_vars['loss_adv.decode_head'],
                               0.5 * plain_vars['loss_adv.decode_head'])
    assert 'loss_weight_discrepancy.decode_head' not in plain_vars
    torch.testing.assert_close(damped_vars['loss_disc.decode_head.target'],
                               plain_vars['loss_disc.decode_head.target'])


def test_seg_loss_each_is_clans_sum_of_two_cross_entropies(make_uda_batch):
    batch = make_uda_batch(seed=5)
    model, optim_wrapper = build_cirn(
        acm_segmentor_cfg(), seg_lr=0., disc_lr=0., seg_loss='each')
    log_vars = model.train_step(copy.deepcopy(batch), optim_wrapper)
    assert 'source.decode.loss_ce' not in log_vars
    head = model.model.decode_head
    with torch.no_grad():
        data = model.data_preprocessor(batch['source'], True)
        branches = head.forward_branches(
            model.model.extract_feat(data['inputs']))
        labels = torch.stack(
            [s.gt_sem_seg.data[0] for s in data['data_samples']])
        for name, logits in zip(('c', 'acm'), branches):
            logits = F.interpolate(logits, (32, 64), mode='bilinear')
            torch.testing.assert_close(
                log_vars[f'source.decode.{name}.loss_ce'],
                F.cross_entropy(logits, labels))
    assert 'source.aux.loss_ce' in log_vars


def head_grads(model, optim_wrapper, batch):
    """Gradients of the segmentor step, seen when its optimizer steps."""
    seen = {}
    wrapper = optim_wrapper['segmentor']
    original = wrapper.step

    def spy(*args, **kwargs):
        seen['grads'] = [
            p.grad.clone() for p in model.model.decode_head.parameters()
        ]
        seen['disc'] = [p.grad for p in model.discriminator.parameters()]
        seen['frozen'] = [
            p.requires_grad for p in model.discriminator.parameters()
        ]
        original(*args, **kwargs)

    wrapper.step = spy
    model.train_step(copy.deepcopy(batch), optim_wrapper)
    return seen


def test_segmentor_step_freezes_d_and_backpropagates_r(make_uda_batch):
    batch = make_uda_batch(seed=6)
    grads = {}
    for detach in (False, True):
        model, optim_wrapper = build_cirn(
            acm_segmentor_cfg(),
            seg_lr=0.,
            detach_pixel_weight=detach,
            adv_weights=dict(decode_head=10.))
        seen = head_grads(model, optim_wrapper, batch)
        assert not any(seen['frozen'])
        assert all(g is None for g in seen['disc'])
        grads[detach] = seen['grads']
    # CLAN: the gradient of the weighted adversarial loss also flows
    # through R into both classifiers
    assert any(not torch.allclose(a, b)
               for a, b in zip(grads[False], grads[True]))


def test_every_image_goes_through_each_network_once(make_uda_batch):
    model, optim_wrapper = build_cirn(acm_segmentor_cfg())
    calls = dict(backbone=[], c=[], acm=[], attention=[], aux=[], disc=[])
    model.model.backbone.register_forward_hook(
        lambda m, i, o: calls['backbone'].append(i[0].shape[0]))
    head = model.model.decode_head
    head.aspp_branches[0].register_forward_hook(
        lambda m, i, o: calls['c'].append(i[0].shape[0]))
    head.acm_branches[0].register_forward_hook(
        lambda m, i, o: calls['acm'].append(i[0].shape[0]))
    head.attentions[0].register_forward_hook(
        lambda m, i, o: calls['attention'].append(i[0].shape[0]))
    model.model.auxiliary_head.register_forward_hook(
        lambda m, i, o: calls['aux'].append(i[0][0].shape[0]))
    model.discriminator.levels['decode_head'].register_forward_hook(
        lambda m, i, o: calls['disc'].append(
            (i[0].shape[0], i[0].requires_grad)))
    model.train_step(
        make_uda_batch(batch_size=2, size=(32, 64), target_size=(40, 48)),
        optim_wrapper)
    # source, target: one forward of each image through every part
    for part in ('backbone', 'c', 'acm', 'attention', 'aux'):
        assert calls[part] == [2, 2], part
    # the discriminator: the target prediction in the segmentor step (with
    # gradient), then the detached source and target predictions
    assert calls['disc'] == [(2, True), (2, False), (2, False)]


def test_predict_and_the_segmentor_forward_use_p1_plus_p2(make_uda_batch):
    model, _ = build_cirn(acm_segmentor_cfg())
    model.eval()
    batch = make_uda_batch(batch_size=1)['target']
    data = model.data_preprocessor(copy.deepcopy(batch), False)
    with torch.no_grad():
        out = model.segmentor(data['inputs'])
        p1, p2 = out['branch_logits']['decode_head']
        torch.testing.assert_close(out['logits']['decode_head'], p1 + p2)
        assert 'auxiliary_head' not in out['branch_logits']
        pred = model.val_step(copy.deepcopy(batch))[0]
        expected = F.interpolate(
            p1 + p2, size=(32, 64), mode='bilinear', align_corners=False)
    torch.testing.assert_close(pred.seg_logits.data, expected[0])


def test_bad_settings_raise(toy_segmentor_cfg):
    with pytest.raises(ValueError, match="type='ACMHead'"):
        build_cirn(toy_segmentor_cfg)
    with pytest.raises(ValueError, match='no heads with two branches'):
        build_cirn(
            acm_segmentor_cfg(),
            discriminator=dict(
                type='MultiLevelDiscriminator',
                discriminators=dict(
                    auxiliary_head=dict(
                        type='FCDiscriminator', in_channels=19))),
            adv_weights=dict(auxiliary_head=0.1))
    with pytest.raises(ValueError, match='seg_loss'):
        build_cirn(acm_segmentor_cfg(), seg_loss='mean')


# -- configs -----------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def load(name):
    return Config.fromfile(osp.join(CIRN_DIR, name + '.py'))


def r101_configs():
    return sorted(
        osp.splitext(osp.basename(path))[0]
        for path in glob.glob(osp.join(CIRN_DIR, 'cirn_r101_*.py'))
        if not path.endswith('_pipeline.py'))


@pytest.mark.parametrize('task', ['gta2cs', 'synthia2cs'])
def test_r101_configs_carry_the_paper_settings(task):
    cfg = load(f'cirn_r101_{task}')
    model = cfg.model
    assert model.type == 'CIRN'
    assert dict(model.adv_weights) == dict(decode_head=0.001)
    assert (model.lambda_cos, model.epsilon) == (40.0, 0.4)
    head = model.segmentor.decode_head
    assert (head.type, head.num_attention) == ('ACMHead', 2)
    assert head.in_channels == 2048 and tuple(
        head.dilations) == (6, 12, 18, 24)
    assert model.segmentor.backbone.depth == 101
    assert model.segmentor.backbone.init_cfg.type == 'LocalPretrained'
    assert model.discriminator.discriminators.decode_head.type == (
        'FCDiscriminator')
    assert model.gan_loss.gan_type == 'vanilla'
    assert model.weight_discrepancy.loss_weight == 0.02  # CLAN: 2 x 0.01
    assert model.preheat_iters == 5000  # CLAN: 1/20 of the iterations
    seg = cfg.optim_wrapper.segmentor.optimizer
    assert (seg.type, seg.lr, seg.momentum,
            seg.weight_decay) == ('SGD', 2.5e-4, 0.9, 5e-4)
    assert not seg.get('nesterov', False)
    disc = cfg.optim_wrapper.discriminator.optimizer
    assert (disc.type, disc.lr, tuple(disc.betas)) == ('Adam', 1e-4, (0.9,
                                                                      0.99))
    for schedulers in cfg.param_scheduler.values():
        assert schedulers[0].type == 'PolyLR'
        assert schedulers[0].end == cfg.train_cfg.max_iters == 100000
    assert cfg.train_dataloader.batch_size == 1
    source = cfg.train_dataloader.dataset.source
    scale = (1280, 720) if task == 'gta2cs' else (1280, 760)
    resize = [t for t in source.pipeline if t.type == 'Resize']
    assert tuple(resize[0].scale) == scale
    assert source.data_root.endswith('_cirn')  # the translated source
    target = cfg.train_dataloader.dataset.target
    assert tuple([t for t in target.pipeline
                  if t.type == 'Resize'][0].scale) == (1024, 512)
    assert cfg.test_evaluator.type == 'UDAIoUMetric'
    assert cfg.model_wrapper_cfg.type == 'MMSeparateDistributedDataParallel'


def test_ablation_configs_change_one_setting():
    for benchmark in ('gta2cs', 'synthia2cs'):
        main = load(f'cirn_r101_{benchmark}')
        for k in (0, 1, 3, 4):
            cfg = load(f'cirn_r101_{benchmark}-k{k}')
            assert cfg.model.segmentor.decode_head.num_attention == k
            cfg.model.segmentor.decode_head.num_attention = 2
            assert cfg.model == main.model
        without = load(f'cirn_r101_{benchmark}-without-cir')
        source = without.train_dataloader.dataset.source
        assert source.data_root == ('data/gta5' if benchmark == 'gta2cs' else
                                    'data/synthia')
        assert without.model == main.model
        cir_only = load(f'cirn_r101_{benchmark}-cir-source-only')
        assert cir_only.model.type == 'EncoderDecoder'
        assert cir_only.train_dataloader.dataset.data_root == (
            main.train_dataloader.dataset.source.data_root)
    toy = load('cirn_r18_toy-gta2cs')
    assert load('cirn_r18_toy-gta2cs-k0'
                ).model.segmentor.decode_head['num_attention'] == 0
    assert load('cirn_r18_toy-gta2cs-without-cir').train_dataloader.dataset[
        'source'].data_root == 'data/toy/gta5'
    assert toy.train_dataloader.dataset.source.data_root == (
        'data/toy/gta5_cirn')


@pytest.mark.parametrize(
    'stage2',
    ['cirn_r101_gta2cs', 'cirn_r101_synthia2cs', 'cirn_r18_toy-gta2cs'])
def test_stage3_configs_fine_tune_stage2_on_pseudo_labels(stage2):
    cfg = load(stage2)
    st = load(stage2 + '-self-training')
    model = st.model
    assert model.type == 'SelfTraining'
    assert model.source_loss_weight == 0.0  # Eq. 9: target only
    assert model.segmentor == cfg.model.segmentor
    assert model.segmentor_checkpoint == (
        f'work_dirs/{stage2}/iter_{cfg.train_cfg.max_iters}.pth')
    target = st.train_dataloader.dataset.target
    assert target.data_prefix.seg_map_path == f'pseudo_labels/{stage2}'
    assert target.seg_map_suffix == '_pseudo.png'
    assert any(t.type == 'LoadAnnotations' for t in target.pipeline)
    # no source data needed: the unused source slot is the target set
    source = st.train_dataloader.dataset.source
    assert source.type == 'CityscapesDataset'
    assert source.data_root == target.data_root
    # the stage-2 optimizer and lr, without the discriminator
    assert set(st.optim_wrapper) == {'constructor', 'segmentor'}
    assert st.optim_wrapper.segmentor == cfg.optim_wrapper.segmentor
    assert st.param_scheduler == dict(segmentor=cfg.param_scheduler.segmentor)
    assert st.train_cfg.max_iters == cfg.train_cfg.max_iters
    assert st.test_dataloader == cfg.test_dataloader


def _without_pretrained(cfg):
    cfg = copy.deepcopy(cfg)
    model = cfg.model
    if 'segmentor' in model:
        model.segmentor.backbone.init_cfg = None
        model.segmentor_checkpoint = None
    else:
        model.backbone.init_cfg = None
    return cfg


def _distinct_models():
    seen, names = set(), []
    for name in r101_configs():
        key = repr(load(name).model.to_dict())
        if key not in seen:
            seen.add(key)
            names.append(name)
    return names


@pytest.mark.parametrize('name', _distinct_models())
def test_r101_models_run_one_iteration(name, make_uda_batch):
    cfg = _without_pretrained(load(name))
    model = MODELS.build(cfg.model)
    model.init_weights()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    batch = make_uda_batch(batch_size=1, size=(64, 64))
    if cfg.model.type == 'EncoderDecoder':  # the "CIR" source-only row
        log_vars = model.train_step(batch['source'], optim_wrapper)
    else:
        if cfg.model.type == 'SelfTraining':
            # pseudo labels on the target
            batch['target'] = copy.deepcopy(batch['source'])
        log_vars = model.train_step(batch, optim_wrapper)
    assert all(torch.isfinite(v) for v in log_vars.values())
    if cfg.model.type == 'CIRN':
        assert {'loss_adv.decode_head',
                'loss_weight_discrepancy.decode_head'} <= set(log_vars)


def test_stage2_checkpoint_loads_into_stage3(tmp_path, make_uda_batch):
    stage2 = load('cirn_r18_toy-gta2cs')
    model = MODELS.build(stage2.model)
    model.init_weights()
    optim_wrapper = build_optim_wrapper(model, stage2.optim_wrapper)
    model.train_step(
        make_uda_batch(batch_size=1, size=(64, 128)), optim_wrapper)
    checkpoint = str(tmp_path / 'iter_1000.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), checkpoint)

    stage3_cfg = load('cirn_r18_toy-gta2cs-self-training')
    stage3 = MODELS.build(
        dict(stage3_cfg.model, segmentor_checkpoint=checkpoint))
    stage3.init_weights()
    assert isinstance(stage3, SelfTraining)
    stage2_weights = model.model.state_dict()
    stage3_weights = stage3.model.state_dict()
    assert set(stage2_weights) == set(stage3_weights)
    assert any('attentions' in key for key in stage3_weights)
    for key, value in stage2_weights.items():
        assert torch.equal(value, stage3_weights[key]), key
    # the same predictions (p1 + p2)
    model.eval()
    stage3.eval()
    batch = make_uda_batch(batch_size=1, size=(64, 128))['target']
    out2 = model.val_step(copy.deepcopy(batch))[0]
    out3 = stage3.val_step(copy.deepcopy(batch))[0]
    torch.testing.assert_close(out2.seg_logits.data, out3.seg_logits.data)
    # and stage 3 trains from there on target pseudo labels alone
    optim_wrapper = build_optim_wrapper(stage3, stage3_cfg.optim_wrapper)
    labelled = make_uda_batch(batch_size=1, size=(64, 128))
    labelled['target'] = labelled.pop('source')
    labelled['source'] = copy.deepcopy(batch)
    log_vars = stage3.train_step(labelled, optim_wrapper)
    assert set(log_vars) == {
        'loss.segmentor', 'target.decode.loss_ce', 'target.decode.acc_seg'
    }


def test_toy_configs_build_and_train_a_step(make_uda_batch):
    for name in ('cirn_r18_toy-gta2cs', 'cirn_r18_toy-gta2cs-k0'):
        cfg = load(name)
        assert cfg.model.preheat_iters == cfg.train_cfg.max_iters // 20
        model = MODELS.build(cfg.model)
        model.init_weights()
        optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
        log_vars = model.train_step(
            make_uda_batch(batch_size=2, size=(64, 128)), optim_wrapper)
        assert torch.isfinite(log_vars['loss_adv.decode_head'])
        assert len(model.model.decode_head.attentions) == (
            cfg.model.segmentor.decode_head.num_attention)


def test_pipeline_configs_chain_the_stages(tmp_path):
    """The stages as tools/run_pipeline.py resolves them."""
    runner = load_tool('run_pipeline')
    for name in ('cirn_r101_gta2cs', 'cirn_r101_synthia2cs',
                 'cirn_r18_toy-gta2cs'):
        pipeline = runner.build_runner(
            runner.parse_args([
                osp.join(REPO_ROOT, 'configs', 'cirn', name + '_pipeline.py'),
                '--work-root',
                str(tmp_path), '--dry-run'
            ]))
        by_name = {stage['name']: stage for stage in pipeline.stages}
        assert by_name['acm']['config'] == f'configs/cirn/{name}.py'
        assert by_name['self_training']['config'] == (
            f'configs/cirn/{name}-self-training.py')
        # stage 3 starts from stage 2 and reads its labels
        options = by_name['self_training']['cfg_options']
        assert options['model.segmentor_checkpoint'] == (
            pipeline.outputs['acm']['checkpoint'])
        assert options[
            'train_dataloader.dataset.target.data_prefix'
            '.seg_map_path'] == pipeline.outputs['labels']['out_dir']
        assert by_name['labels']['args'][:2] == ['--policy', 'class-median']
        # stage 2 trains on the CIR images
        assert by_name['acm']['cfg_options'][
            'train_dataloader.dataset.source.data_root'] == (
                pipeline.outputs['cir_data']['out_dir'])
        translator = Config.fromfile(
            osp.join(REPO_ROOT, by_name['cir_translator']['config']))
        assert translator.model.semantic_loss.loss_weight == 1.0
        # translated at the scale the translator's crops were taken from
        args = by_name['cir_data']['args']
        scale = args[args.index('--scale') + 1:][:2]
        resize = [
            t for t in translator.train_dataloader.dataset.source.pipeline
            if t.type == 'Resize'
        ][0]
        assert tuple(int(s) for s in scale) == tuple(resize.scale)
