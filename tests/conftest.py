"""Shared fixtures; the helpers live in ``uda_test_utils``."""
import pytest
import uda_test_utils


@pytest.fixture
def make_uda_batch():
    """Factory of fake ``dict(source=..., target=...)`` batches."""
    return uda_test_utils.make_uda_batch


@pytest.fixture
def toy_segmentor_cfg() -> dict:
    """A tiny EncoderDecoder (ResNet-18 at 1/8 width) with a conv4 head."""
    return uda_test_utils.toy_segmentor_cfg()


@pytest.fixture(scope='session')
def toy_workspace(tmp_path_factory) -> str:
    """A folder with a tiny toy benchmark under ``data/toy`` (64x32 px).

    Configs refer to ``data/toy/...`` relative to the working directory, so
    tools run with this folder as their working directory.
    """
    from mmseg_uda.datasets.toy import generate_toy_benchmark
    root = tmp_path_factory.mktemp('toy_workspace')
    generate_toy_benchmark(
        str(root / 'data' / 'toy'),
        width=64,
        height=32,
        num_source_train=8,
        num_source_val=4,
        num_target_train=8,
        num_target_val=4)
    return str(root)
