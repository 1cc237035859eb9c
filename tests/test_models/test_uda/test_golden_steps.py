"""Every model computes what it computed before the one-step restructuring.

``golden_steps.json`` was recorded (``golden_steps.py``) with the models as
they were before their training steps were written once in
:class:`AdversarialTrainStep`; the log keys have been renamed since (the
log contract of ``docs/en/log_contract.md``). :func:`old_key` maps a new
key to the recorded one.
"""
import json
import re

import pytest
from golden_steps import CASES, GOLDEN_FILE, run_case

RTOL = 1e-6

with open(GOLDEN_FILE) as f:
    GOLDEN = json.load(f)

#: Models whose plain ``loss`` was the discriminator's total (the last
#: update of the step overwrote the segmentor's).
WITH_DISCRIMINATOR = ('adaptsegnet', 'fada', 'bdl', 'cirn', 'ldr')
SEGMENTORS = WITH_DISCRIMINATOR + ('self-training', )


def old_key(case: str, key: str) -> str:
    """The recorded name of a logged value (None: not logged before)."""
    method = re.sub(
        r'-(hard|soft|single|multi|lsgan|without-labels|t2s-only|'
        r'pretrain|bdl|cirn)$', '', case)
    if method not in SEGMENTORS or case == 'ldr-pretrain':
        return key  # translators and M's pre-training kept their keys
    if key == 'loss.discriminator':
        return 'loss'
    if key == 'loss.segmentor':
        return None if method in WITH_DISCRIMINATOR else 'loss'
    if method != 'self-training':
        key = re.sub(r'^source\.(?=decode|aux)', '', key)
    if method == 'fada':
        key = key.replace('.features', '')
    if method != 'cirn':
        # one term per level for both domains before
        key = re.sub(r'^(loss_disc\.[^.]+)\.(source|target)$', r'\1', key)
    return key


def _close(new: float, old: float, scale: float = 0.) -> bool:
    return abs(new - old) <= RTOL * max(abs(new), abs(old), scale, 1e-12)


@pytest.mark.parametrize('case', sorted(CASES))
def test_three_steps_match_the_recording(case):
    golden = GOLDEN[case]
    result = run_case(case)
    for step, (new_log,
               old_log) in enumerate(zip(result['log'], golden['log'])):
        mapped = {}
        for key, value in new_log.items():
            name = old_key(case, key)
            if name is not None:
                mapped[name] = mapped.get(name, 0.) + value
        assert sorted(mapped) == sorted(old_log), (step, sorted(new_log))
        for name, value in mapped.items():
            assert _close(value,
                          old_log[name]), (step, name, value, old_log[name])
    params = {
        key.replace('reconstruction_loss.', ''): value
        for key, value in result['params'].items()
    }
    assert sorted(params) == sorted(golden['params'])
    for name, (total, squares) in params.items():
        old_total, old_squares = golden['params'][name]
        assert _close(squares, old_squares), name
        # a sum near 0 is compared on the scale of the tensor's norm
        assert _close(total, old_total, old_squares**0.5), name
