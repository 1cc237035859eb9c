"""Class Center Distance (FADA, Eq. 9) of a model's features.

Features of ``--num-samples`` random source and target images (labelled
sets; the paper uses 2,000 each) are grouped by their ground-truth class
(labels downsampled to the feature resolution, nearest neighbour) and the
per-class CCD is reported for the source features, the target features and
both together (the paper's Fig. 4 measures the joint distribution). Only
per-class running sums are kept, so the number of images is not limited by
memory.

Example::

    python tools/analysis_tools/class_center_distance.py \\
        configs/fada/fada_r101_gta2cs.py \\
        work_dirs/fada_r101_gta2cs/iter_40000.pth --num-samples 2000

By default the source set is the training source of the config
(``train_dataloader.dataset[.source]``) and the target set the labelled
test set (``test_dataloader.dataset``); ``--source-dataset`` and
``--target-dataset`` take other config keys (dotted paths such as
``source_val_dataset``). Images go through the dataset's own pipeline
without its random augmentations.
"""
import argparse
import json
from typing import Dict, List, Optional

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.config import Config, DictAction
from mmengine.dataset import pseudo_collate
from mmengine.logging import print_log
from mmengine.registry import init_default_scope
from mmengine.utils import ProgressBar
from torch.utils.data import DataLoader, Subset

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.apis import build_dataset, get_dataset_cfg, init_segmentor
from mmseg_uda.datasets.transforms.pipeline_filter import find_label_loader
from mmseg_uda.evaluation import ClassCenterDistance


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Class Center Distance of source and target features')
    parser.add_argument('config', help='config of the model')
    parser.add_argument('checkpoint', help='checkpoint of the model')
    parser.add_argument(
        '--num-samples',
        type=int,
        default=2000,
        help='random images per domain (all if fewer; paper: 2000)')
    parser.add_argument(
        '--source-dataset',
        help='config key of the labelled source dataset (default: the '
        'training source)')
    parser.add_argument(
        '--target-dataset',
        default='test_dataloader.dataset',
        help='config key of the labelled target dataset')
    parser.add_argument(
        '--feature-index',
        type=int,
        default=-1,
        help='which backbone/neck feature map to analyse')
    parser.add_argument('--seed', type=int, default=0, help='sampling seed')
    parser.add_argument('--num-workers', type=int, default=2)
    parser.add_argument('--out', help='write the results to a json file')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value')
    return parser.parse_args(argv)


def default_source_key(cfg: Config) -> str:
    """The training source dataset: inside ``UDADataset`` or the dataset."""
    if cfg.train_dataloader.dataset.get('type') == 'UDADataset':
        return 'train_dataloader.dataset.source'
    return 'train_dataloader.dataset'


def build_labelled_dataset(cfg: Config, key: str):
    """The dataset at ``key`` without random augmentations; it must load
    labels."""
    pipeline = get_dataset_cfg(cfg, key).get('pipeline', [])
    if find_label_loader(pipeline) is None:
        raise ValueError(
            f'The pipeline of {key!r} loads no labels: CCD groups features '
            'by ground-truth class; pass a labelled dataset with '
            '--source-dataset / --target-dataset.')
    return build_dataset(cfg, key)


def labels_at_input(data_samples: list,
                    input_size: torch.Size) -> torch.Tensor:
    """Labels resized to each image's input size and padded like it."""
    labels = []
    for sample in data_samples:
        if 'gt_sem_seg' not in sample:
            raise KeyError('A sample has no gt_sem_seg: the dataset needs '
                           'ground-truth labels for CCD.')
        label = sample.gt_sem_seg.data[None].float()
        img_h, img_w = sample.img_shape[:2]
        if label.shape[-2:] != (img_h, img_w):
            label = F.interpolate(label, size=(img_h, img_w), mode='nearest')
        label = F.pad(
            label, (0, input_size[1] - img_w, 0, input_size[0] - img_h),
            value=255)
        labels.append(label[0, 0].long())
    return torch.stack(labels)


@torch.no_grad()
def accumulate(model: torch.nn.Module, dataset, num_samples: int, seed: int,
               feature_index: int, num_workers: int,
               num_classes: int) -> ClassCenterDistance:
    """CCD statistics of ``num_samples`` random images of ``dataset``."""
    rng = np.random.default_rng(seed)
    indices = rng.permutation(len(dataset))[:num_samples].tolist()
    loader = DataLoader(
        Subset(dataset, indices),
        batch_size=1,
        num_workers=num_workers,
        collate_fn=pseudo_collate)
    stats = ClassCenterDistance(num_classes)
    progress = ProgressBar(len(indices))
    for batch in loader:
        data = model.data_preprocessor(batch, False)
        features = model.extract_feat(data['inputs'])[feature_index]
        labels = labels_at_input(data['data_samples'],
                                 data['inputs'].shape[2:])
        stats.update(features, labels)
        progress.update()
    return stats


def format_table(class_names: List[str], results: Dict[str, dict]) -> str:
    domains = list(results)
    lines = ['class'.ljust(16) + ''.join(d.rjust(10) for d in domains)]
    for i, name in enumerate(class_names):
        values = [results[d]['ccd'][i] for d in domains]
        lines.append(name[:15].ljust(16) + ''.join(f'{v:10.3f}'
                                                   for v in values))
    lines.append('mean'.ljust(16) + ''.join(f'{results[d]["mean_ccd"]:10.3f}'
                                            for d in domains))
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> Dict[str, dict]:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))

    model = init_segmentor(cfg, args.checkpoint)

    keys = dict(
        source=args.source_dataset or default_source_key(cfg),
        target=args.target_dataset)
    stats = {}
    class_names = None
    for domain, key in keys.items():
        dataset = build_labelled_dataset(cfg, key)
        class_names = list(dataset.metainfo['classes'])
        print_log(
            f'{domain}: {min(args.num_samples, len(dataset))} images of '
            f'{key}',
            logger='current')
        stats[domain] = accumulate(model, dataset, args.num_samples, args.seed,
                                   args.feature_index, args.num_workers,
                                   len(class_names))
    stats['joint'] = stats['source'] + stats['target']
    results = {domain: s.compute() for domain, s in stats.items()}
    print_log(
        '\nClass Center Distance (Eq. 9 of FADA; lower = better aligned)\n' +
        format_table(class_names, results),
        logger='current')
    serialisable = {
        domain:
        dict(
            mean_ccd=r['mean_ccd'],
            ccd={
                name: (None if np.isnan(v) else float(v))
                for name, v in zip(class_names, r['ccd'])
            },
            pixels={
                name: int(c)
                for name, c in zip(class_names, r['counts'])
            })
        for domain, r in results.items()
    }
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(serialisable, f, indent=2)
    return serialisable


if __name__ == '__main__':
    main()
