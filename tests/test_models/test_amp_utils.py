"""float32_loss: losses computed in float32 inside autocast regions."""
import pytest
import torch
from mmseg.registry import MODELS
from uda_test_utils import make_uda_batch, toy_segmentor_cfg

from mmseg_uda.models import (DomainEncodingLoss, GANLoss, SegPerceptualLoss,
                              SemanticConsistencyLoss)
from mmseg_uda.models.utils import float32_loss, head_losses, segmentor_heads
from mmseg_uda.models.utils.amp import is_autocast_enabled


def bf16_autocast():
    return torch.autocast('cpu', dtype=torch.bfloat16)


def test_arguments_are_float32_and_autocast_is_off_inside():
    seen = {}

    @float32_loss
    def loss(pred, extra, labels, scale=1.0, **kwargs):
        seen['autocast'] = is_autocast_enabled('cpu')
        seen['dtypes'] = [
            pred.dtype, extra['a'].dtype, extra['b'][0].dtype,
            extra['b'][1][0].dtype, kwargs['target'].dtype
        ]
        seen['labels'] = labels
        return (pred * scale).sum()

    pred = torch.randn(2, 3, dtype=torch.bfloat16, requires_grad=True)
    labels = torch.tensor([1, 2])
    extra = dict(
        a=torch.randn(2, dtype=torch.bfloat16),
        b=[torch.randn(2).half(), (torch.randn(2, dtype=torch.float64), )])
    with bf16_autocast():
        out = loss(pred, extra, labels, scale=2.0, target=torch.ones(1).half())
        assert is_autocast_enabled('cpu')  # restored on return
    assert seen['autocast'] is False
    assert seen['dtypes'] == [torch.float32] * 5
    assert seen['labels'] is labels  # integer tensors are left alone
    assert out.dtype == torch.float32
    out.backward()
    # gradients reach the low-precision input in its own dtype
    assert pred.grad.dtype == torch.bfloat16
    torch.testing.assert_close(pred.grad, torch.full_like(pred, 2.0))


def _logits(*shape, scale=3.0):
    return scale * torch.randn(*shape)


#: name -> (loss, inputs maker). Inputs are bf16 network outputs (what
#: autocast hands a loss) and, last, non-float arguments.
LOSSES = {
    'gan-vanilla': (GANLoss('vanilla'), lambda:
                    ([_logits(2, 1, 4, 4)], [1.0])),
    'gan-lsgan': (GANLoss('lsgan'), lambda: ([_logits(2, 1, 4, 4)], [0.0])),
    'domain-encoding-soft':
    (DomainEncodingLoss('soft'), lambda:
     ([_logits(2, 8, 5, 5),
       _logits(2, 4, 5, 5, scale=5.0)], ['target'])),
    'domain-encoding-hard':
    (DomainEncodingLoss('hard', confidence_threshold=0.5), lambda:
     ([_logits(2, 8, 5, 5),
       _logits(2, 4, 5, 5, scale=5.0)], ['source'])),
    'perceptual-in-mse':
    (SegPerceptualLoss(criterion='mse', instance_norm=True), lambda:
     ([_logits(2, 4, 6, 6) for _ in range(3)], [])),
    'semantic-consistency':
    (SemanticConsistencyLoss(), lambda:
     ([_logits(2, 4, 3, 3)], [torch.randint(0, 4, (2, 6, 6))])),
}


@pytest.mark.parametrize('name', list(LOSSES))
def test_plugin_losses_are_float32_under_autocast(name):
    loss, make_inputs = LOSSES[name]
    torch.manual_seed(0)
    floats, others = make_inputs()
    low = [x.to(torch.bfloat16) for x in floats]
    with bf16_autocast():
        amp_out = loss(*low, *others)
    # the same loss on float32 copies of the same bf16 values
    ref_out = loss(*[x.float() for x in low], *others)
    amp_out = amp_out if isinstance(amp_out, dict) else dict(loss=amp_out)
    ref_out = ref_out if isinstance(ref_out, dict) else dict(loss=ref_out)
    for key in ref_out:
        assert amp_out[key].dtype == torch.float32
        torch.testing.assert_close(amp_out[key], ref_out[key])


def test_segmentor_losses_are_float32_under_autocast():
    torch.manual_seed(0)
    model = MODELS.build(toy_segmentor_cfg())
    heads = segmentor_heads(model)
    batch = make_uda_batch(batch_size=1, size=(32, 64))['source']
    samples = model.data_preprocessor(batch, True)['data_samples']
    logits = {name: _logits(1, 19, 4, 8).to(torch.bfloat16) for name in heads}
    with bf16_autocast():
        amp_losses = head_losses(heads, logits, samples)
    ref_losses = head_losses(heads, {
        k: v.float()
        for k, v in logits.items()
    }, samples)
    for key, value in ref_losses.items():
        if value.is_floating_point():
            assert amp_losses[key].dtype == torch.float32, key
        torch.testing.assert_close(amp_losses[key], value)
