"""Write pseudo labels of a target training set with a trained model.

Example (BDL's per-class thresholds with an adapted model)::

    python tools/gen_pseudo_labels.py \
        configs/adaptsegnet/adaptsegnet_r101_gta2cs-single-level.py \
        work_dirs/adaptsegnet_r101_gta2cs-single-level/iter_120000.pth \
        --out-dir data/cityscapes/pseudo_labels/adaptsegnet \
        --policy class-median

Every image of the config's ``--dataset`` variable (default
``target_train_dataset``), read through the config's ``test_pipeline``
without its annotation loaders, is labelled one at a time into
``OUT_DIR/<path relative to data_prefix.img_path, image suffix replaced by
_pseudo.png>``; a dataset config with ``data_prefix=dict(img_path=<same>,
seg_map_path=OUT_DIR)`` and ``seg_map_suffix='_pseudo.png'`` then reads
them with mmseg's ``LoadAnnotations`` (see configs/self_training/README.md).
Rerunning the command resumes: existing labels are skipped. Multi-GPU or
multi-process CPU: ``torchrun --nproc_per_node=N tools/gen_pseudo_labels.py
... --launcher pytorch`` (each rank labels a disjoint shard).
"""
import argparse
import os
import os.path as osp
import time
from typing import List, Optional

import torch
import torch.distributed as dist
from mmengine.config import Config, DictAction
from mmengine.dist import init_dist
from mmengine.logging import MMLogger, print_log
from mmengine.registry import init_default_scope

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.apis import init_segmentor
from mmseg_uda.engine.pseudo_labels import (PseudoLabelGenerator,
                                            build_inference_dataset,
                                            inference_pipeline)
from mmseg_uda.utils import close_distributed, init_cpu_distributed

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


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Generate pseudo labels of a target training set')
    parser.add_argument('config', help='config of the labelling model')
    parser.add_argument('checkpoint', help='checkpoint of the model')
    parser.add_argument(
        '--out-dir', required=True, help='folder of the pseudo labels')
    parser.add_argument(
        '--policy',
        default='mpt',
        help=f'labelling policy: {", ".join(POLICIES)} (BDL max-probability '
        'threshold, BDL per-class median thresholds, FADA argmax, soft '
        'probabilities) or a registered policy type')
    parser.add_argument(
        '--threshold',
        type=float,
        help='threshold of mpt (default 0.9) or cap of class-median '
        '(default 0.9)')
    parser.add_argument(
        '--dataset',
        default='target_train_dataset',
        help='config variable holding the dataset to label')
    parser.add_argument(
        '--num-workers', type=int, default=2, help='image reading workers')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch'],
        default='none',
        help='job launcher (pytorch: one shard per torchrun process)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


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


def build_dataset(cfg: Config, variable: str):
    """The dataset of config variable ``variable``, unlabelled, for inference.
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
    return build_inference_dataset(cfg[variable],
                                   inference_pipeline(cfg.test_pipeline))


def build_model(cfg: Config, checkpoint: str) -> torch.nn.Module:
    """The stock segmentor of ``cfg.model`` with the weights of
    ``checkpoint`` (plain mmseg or UDA checkpoints, plain or UDA configs).
    """
    return init_segmentor(cfg, checkpoint)


def main(argv: Optional[List[str]] = None) -> dict:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.launcher != 'none':
        init_cpu_distributed(cfg, args.launcher)
        if not dist.is_initialized():
            init_dist(args.launcher)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    os.makedirs(args.out_dir, exist_ok=True)
    timestamp = time.strftime('%Y%m%d_%H%M%S', time.localtime())
    MMLogger.get_instance(
        f'gen_pseudo_labels_{timestamp}',
        log_file=osp.join(args.out_dir, f'gen_pseudo_labels_{timestamp}.log'))

    generator = PseudoLabelGenerator(
        build_policy(args.policy, args.threshold),
        num_workers=args.num_workers)
    dataset = build_dataset(cfg, args.dataset)
    model = build_model(cfg, args.checkpoint)
    summary = generator.generate(model, dataset, args.out_dir)
    print_log(
        'Read the labels in training with the target dataset config: '
        'data_prefix=dict(img_path=<as now>, '
        f"seg_map_path='{osp.abspath(args.out_dir)}' (or that path "
        'relative to the data_root)), '
        f"seg_map_suffix='{generator.policy.suffix}', and LoadAnnotations "
        '(or LoadSoftPseudoLabel for soft labels) in its pipeline.',
        logger='current')
    close_distributed()
    return summary


if __name__ == '__main__':
    main()
