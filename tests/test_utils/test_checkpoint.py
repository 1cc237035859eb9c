import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

import mmseg_uda  # noqa: F401  (registers the safe globals)


def test_message_hub_state_loads_with_weights_only(tmp_path):
    hub = MessageHub.get_instance('test_checkpoint_hub')
    hub.update_scalar('train/loss', np.float64(0.5))
    hub.update_scalar('train/lr', 0.01)
    hub.update_info('iter', 7)
    path = tmp_path / 'ckpt.pth'
    torch.save(dict(message_hub=hub.state_dict(), meta=dict(iter=7)), path)
    loaded = torch.load(path, weights_only=True)
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.current() == pytest.approx(0.5)
    assert buffer.statistics('mean') == pytest.approx(0.5)


class _Exploit:
    """A pickle that asks for getattr on something other than HistoryBuffer."""

    def __reduce__(self):
        return getattr, ('text', 'upper')


def test_getattr_outside_history_buffer_is_refused(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save({'x': _Exploit()}, path)
    with pytest.raises(pickle.UnpicklingError, match='Refusing getattr'):
        torch.load(path, weights_only=True)
