import torch
import torch.nn as nn

from mmseg_uda.models import FCDiscriminator, MultiLevelDiscriminator


def test_fc_discriminator_matches_the_paper():
    disc = FCDiscriminator(in_channels=19)
    convs = [m for m in disc.modules() if isinstance(m, nn.Conv2d)]
    assert [c.out_channels for c in convs] == [64, 128, 256, 512, 1]
    assert all(c.kernel_size == (4, 4) and c.stride == (2, 2) for c in convs)
    relus = [m for m in disc.modules() if isinstance(m, nn.LeakyReLU)]
    assert len(relus) == 4
    assert all(r.negative_slope == 0.2 for r in relus)
    assert not any(
        isinstance(m, nn.modules.batchnorm._BatchNorm) for m in disc.modules())
    x = torch.randn(2, 19, 64, 96)
    assert disc(x).shape == (2, 1, 64, 96)
    native = FCDiscriminator(in_channels=19, upsample_output=False)
    assert native(x).shape == (2, 1, 2, 3)


def test_multi_level_discriminator_runs_every_level():
    disc = MultiLevelDiscriminator(
        discriminators=dict(
            decode_head=dict(type='FCDiscriminator', in_channels=3),
            features=dict(type='FCDiscriminator', in_channels=8)))
    out = disc(
        dict(
            decode_head=torch.rand(1, 3, 32, 32),
            features=torch.rand(1, 8, 32, 32)))
    assert out['decode_head'].shape == (1, 1, 32, 32)
    assert out['features'].shape == (1, 1, 32, 32)
    try:
        disc(dict(decode_head=torch.rand(1, 3, 32, 32)))
    except KeyError as e:
        assert 'features' in str(e)
    else:
        raise AssertionError('a missing level must raise')
