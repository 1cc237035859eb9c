"""Write pseudo labels of a dataset with a trained segmentation model."""
import os.path as osp
from typing import Optional

from mmengine.config import Config
from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from ..engine.pseudo_labels import PseudoLabelGenerator
from .inference import build_dataset, init_segmentor

#: Short policy names of the command line -> registered policy types.
POLICIES = {
    'mpt': 'MaxProbThreshold',
    'class-median': 'ClassMedianThreshold',
    'argmax': 'ArgmaxLabels',
    'soft': 'SoftLabels',
}
#: The argument ``--threshold`` sets, per policy type.
THRESHOLD_ARGS = {
    'MaxProbThreshold': 'threshold',
    'ClassMedianThreshold': 'max_threshold',
}


def build_policy(name: str, threshold: Optional[float]) -> dict:
    """The policy config of a command-line name and ``--threshold``."""
    policy = dict(type=POLICIES.get(name, name))
    if threshold is not None:
        if policy['type'] not in THRESHOLD_ARGS:
            raise ValueError(
                f'--threshold does not apply to the {name} policy; it sets '
                f'the threshold of {", ".join(THRESHOLD_ARGS)}.')
        policy[THRESHOLD_ARGS[policy['type']]] = threshold
    return policy


def build_labelling_dataset(cfg: Config, variable: str) -> BaseDataset:
    """The dataset of config variable ``variable``, unlabelled, read through
    the config's ``test_pipeline`` without its label loaders.
    """
    if variable not in cfg:
        available = sorted(k for k in cfg.keys() if k.endswith('_dataset'))
        raise KeyError(
            f'The config has no variable {variable!r} to label; pass '
            f'--dataset with one of {available}.')
    if 'test_pipeline' not in cfg:
        raise KeyError(
            'The config has no test_pipeline: pseudo labels are predicted '
            'through the test pipeline without its annotation loaders.')
    return build_dataset(
        cfg, variable, pipeline=cfg.test_pipeline, labels=False)


def generate_pseudo_labels(cfg: Config,
                           checkpoint: str,
                           out_dir: str,
                           policy: dict,
                           dataset: str = 'target_train_dataset',
                           num_workers: int = 2) -> dict:
    """Label every image of a dataset of ``cfg`` into ``out_dir``.

    The stock segmentor of ``cfg.model`` (plain mmseg or UDA checkpoints,
    plain or UDA configs) predicts every image of ``dataset`` (see
    :func:`build_labelling_dataset`); existing labels are skipped, and in a
    distributed run every rank labels a disjoint shard.

    Args:
        cfg (Config): The config of the labelling model (default scope
            initialised).
        checkpoint (str): Its checkpoint.
        out_dir (str): The folder of the pseudo labels.
        policy (dict): The labelling policy config (see
            :func:`build_policy`).
        dataset (str): The config variable of the dataset to label.
            Defaults to ``'target_train_dataset'``.
        num_workers (int): Image reading workers. Defaults to 2.

    Returns:
        dict: The summary of :meth:`PseudoLabelGenerator.generate`.
    """
    generator = PseudoLabelGenerator(policy, num_workers=num_workers)
    images = build_labelling_dataset(cfg, dataset)
    model = init_segmentor(cfg, checkpoint)
    summary = generator.generate(model, images, out_dir)
    print_log(
        'Read the labels in training with the target dataset config: '
        'data_prefix=dict(img_path=<as now>, '
        f"seg_map_path='{osp.abspath(out_dir)}' (or that path "
        'relative to the data_root)), '
        f"seg_map_suffix='{generator.policy.suffix}', and LoadAnnotations "
        '(or LoadSoftPseudoLabel for soft labels) in its pipeline.',
        logger='current')
    return summary
