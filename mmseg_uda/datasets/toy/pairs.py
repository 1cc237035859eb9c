"""Where the built-in toy domain pairs live, and moving a config to one.

The toy configs read pair ``'a'`` under ``data/toy``
(``configs/_base_/datasets/toy_gta2cs.py``); pair ``'b'`` is written to
``data/toy-b`` (``configs/_base_/datasets/toy-b_gta2cs.py``). Any toy config
runs on another pair (or another folder) once every path under
``data/toy`` in it points there instead, which :func:`toy_root_options`
computes as ``--cfg-options``.
"""
from typing import Any, Dict, Mapping

#: Default data root of each built-in toy domain pair.
TOY_PAIR_ROOTS = {'a': 'data/toy', 'b': 'data/toy-b'}
#: What each pair's source and target look like (see ``styles.py``).
TOY_PAIR_DESCRIPTIONS = {
    'a': 'game -> street camera',
    'b': 'cartoon game -> hazy, rolled dash camera'
}
#: The root the toy configs are written for.
CONFIG_TOY_ROOT = TOY_PAIR_ROOTS['a']


def describe_toy_pairs() -> str:
    """One line naming the built-in pairs, for command-line help."""
    return 'built-in toy domain pair (' + '; '.join(
        f'{pair}: {text}'
        for pair, text in TOY_PAIR_DESCRIPTIONS.items()) + ')'


def _moved(value: str, old_root: str, new_root: str) -> str:
    old_root, new_root = old_root.rstrip('/'), new_root.rstrip('/')
    if value == old_root:
        return new_root
    if value.startswith(old_root + '/'):
        return new_root + value[len(old_root):]
    return value


def toy_root_options(cfg: Mapping,
                     new_root: str,
                     old_root: str = CONFIG_TOY_ROOT) -> Dict[str, Any]:
    """Settings that move every path under ``old_root`` to ``new_root``.

    Every string of the config (at any depth, inside dicts and lists; not
    inside tuples, which ``--cfg-options`` cannot index) that is
    ``old_root`` or starts with ``old_root + '/'`` is rewritten, e.g.
    ``data/toy/gta5`` -> ``data/toy-b/gta5``; relative paths joined to a
    data root (pseudo-label folders, split files) follow their root.

    Args:
        cfg (Mapping): A loaded config (``mmengine.Config`` or dict).
        new_root (str): The root to read the toy benchmark from.
        old_root (str): The root the config was written for.
            Defaults to ``data/toy``.

    Returns:
        dict: Dotted keys (list positions as numbers) and their new values,
        for ``Config.merge_from_dict`` or ``--cfg-options``; empty when
        nothing moves.
    """
    if hasattr(cfg, 'to_dict'):  # mmengine.Config
        cfg = cfg.to_dict()
    options = {}

    def visit(value: Any, key: str) -> None:
        if isinstance(value, str):
            moved = _moved(value, old_root, new_root)
            if moved != value:
                options[key] = moved
        elif isinstance(value, Mapping):
            for name, item in value.items():
                visit(item, f'{key}.{name}' if key else str(name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, f'{key}.{index}')

    visit(cfg, '')
    return options
