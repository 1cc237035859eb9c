"""The log contract (docs/en/log_contract.md) holds for every model."""
import copy
import re

import pytest
import torch
from golden_steps import CASES, _build, make_uda_batch
from translator_test_utils import save_segmentor_checkpoint

#: Every per-term key a model may log (totals are ``loss.{optimizer}``).
TERM_PATTERNS = [
    # supervised terms per domain; mix = DACS' mixed batch, masked = MIC's
    # masked target batch
    r'(source|target|mix|masked)\.(decode|aux(_\d+)?)(\.(c|acm))?\.'
    r'(loss_\w+|acc_seg)',
    # DACS: the teacher's pseudo-label quality weight (logged, not trained)
    r'pseudo_label\.quality',
    # DAFormer: the thing-class ImageNet feature distance on the source
    r'source\.loss_feat_dist',
    r'loss_adv\.\w+',
    r'loss_disc\.\w+\.(source|target)',
    r'acc_disc\.\w+\.(source|target)',
    r'encoding\.(source|target)\.\w+',
    r'cos_distance\.\w+',
    r'loss_weight_discrepancy\.\w+',
    # LDR's reconstruction branch and M's pre-training
    r'(source|target)\.loss_rec_(gan|fm|vgg)',
    r'loss_rec_disc\.(source|target)',
    r'loss_(gan|fm|vgg|disc)',
    # translators, per domain
    r'loss_(gan|cycle|identity|per|per_recon|sem|disc)\.(source|target)',
]


def _is_term(key: str) -> bool:
    return any(re.fullmatch(pattern, key) for pattern in TERM_PATTERNS)


@pytest.mark.parametrize('case', sorted(CASES))
def test_each_optimizer_total_under_its_own_key(case, tmp_path):
    make_cfg, make_optim, make_batch = CASES[case]
    save_segmentor_checkpoint(str(tmp_path / 'seg.pth'), seed=3)
    torch.manual_seed(0)
    model, optim_wrapper = _build(make_cfg(str(tmp_path)), make_optim)
    batch = make_batch(make_uda_batch(batch_size=2, size=(32, 48), seed=0))
    for _ in range(2):
        log_vars = model.train_step(copy.deepcopy(batch), optim_wrapper)
    totals = {k for k in log_vars if k.startswith('loss.')}
    # every child the step trains has its total; LDR's T->S ablation
    # trains neither M nor its discriminators
    trained = set(model.generator_children) | set(model.adversary_children)
    assert trained <= set(optim_wrapper.keys())
    assert totals == {f'loss.{name}' for name in trained}
    assert 'loss' not in log_vars
    terms = set(log_vars) - totals
    assert all(_is_term(key)
               for key in terms), sorted(k for k in terms if not _is_term(k))
    # no term is lost or counted twice: the totals add up to the terms
    term_sum = sum(
        float(value) for key, value in log_vars.items()
        if key in terms and 'loss' in key)
    total_sum = sum(float(log_vars[key]) for key in totals)
    assert abs(term_sum - total_sum) <= 1e-5 * max(1., abs(total_sum))


def test_a_term_outside_the_contract_is_caught():
    assert not _is_term('decode.loss_ce')  # the domain prefix is missing
    assert not _is_term('loss_disc.decode_head')  # the domain is missing
    assert _is_term('source.decode.loss_ce')
