"""Check every file a config trains and evaluates on, before training.

Opens every dataset of the config (both domains of ``UDADataset``, wrapped
datasets, the val and the test set), decodes every image and label file
and checks:

- files that are missing, empty or cannot be decoded (truncated, damaged);
- label maps whose size differs from their image's (an error unless the
  pipeline's ``LoadUDAAnnotations`` has ``size_mismatch='resize'``, then a
  warning);
- label ids the mapping in use does not know (the pipeline's
  ``LoadUDAAnnotations.label_mapping``, void ids included; for labels in
  train ids, ids outside the classes and 255), counted per file and id.

A dataset that cannot be built (a missing label, an empty folder, an empty
split file) is reported with the reason, and every file it can still reach
(the images of its folder or split file and their labels) is checked
anyway, so one fault never hides the others.

It prints a summary per dataset and the faults grouped by kind (count, the
first files, the fix), and exits with status 1 if anything is wrong (0
otherwise), so a truncated image in a 25k-image download is found in
minutes, not hours into a run; ``--out`` writes every fault to a json::

    python tools/analysis_tools/check_dataset.py \\
        configs/adaptsegnet/adaptsegnet_r101_gta2cs-multi-level.py \\
        --nproc 8 --out work_dirs/check_dataset.json
"""
import argparse
import json
import os
import os.path as osp
import sys
from typing import Dict, List, Optional, Tuple

import mmengine
import mmengine.fileio as fileio
import numpy as np
from mmengine.config import Config, ConfigDict, DictAction
from mmengine.registry import init_default_scope
from mmengine.utils import track_parallel_progress, track_progress
from mmseg.registry import DATASETS

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.datasets.dataset_checks import (DATA_HINT,
                                               build_checked_dataset,
                                               lazy_dataset_cfg)
from mmseg_uda.datasets.file_checks import (UNREADABLE_FIX, decode_image,
                                            read_file)
from mmseg_uda.datasets.label_ids import get_label_mapping, unknown_label_ids
from mmseg_uda.datasets.utils import decode_label

#: The dataloaders whose datasets are checked.
DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
#: Keys under which dataset wrappers keep the wrapped dataset configs.
WRAPPED_KEYS = ('source', 'target', 'dataset')
IGNORE_INDEX = 255

#: How many files of each kind of fault the printed report names.
NUM_SHOWN = 5
BUILD_FIX = ('see the message; the files the dataset can still reach are '
             'checked below')
SIZE_FIX = ("fix or remove the pair, or set size_mismatch='resize' in the "
            "pipeline's LoadUDAAnnotations to resize such labels (nearest "
            'neighbour, logged)')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Decode and check every image and label of a config')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--nproc', type=int, default=1, help='processes reading files')
    parser.add_argument('--out', help='write the full report to this json')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value')
    return parser.parse_args(argv)


def find_datasets(cfg: Config) -> List[Tuple[str, ConfigDict]]:
    """``(name, config)`` of every leaf dataset the dataloaders use.

    Wrappers are opened: ``UDADataset`` (``source``, ``target``), MMEngine's
    ``RepeatDataset`` / ``ClassBalancedDataset`` (``dataset``) and
    ``ConcatDataset`` (``datasets``).
    """
    found = []

    def visit(name: str, dataset: ConfigDict) -> None:
        wrapped = [(f'{name}.{key}', dataset[key]) for key in WRAPPED_KEYS
                   if isinstance(dataset.get(key), dict)]
        wrapped += [(f'{name}.datasets.{i}', sub)
                    for i, sub in enumerate(dataset.get('datasets') or [])]
        if not wrapped:
            found.append((name, dataset))
        for sub_name, sub in wrapped:
            visit(sub_name, sub)

    for loader in DATALOADERS:
        loader_cfg = cfg.get(loader)
        if loader_cfg and loader_cfg.get('dataset'):
            visit(f'{loader}.dataset', loader_cfg.dataset)
    return found


def label_settings(pipeline: List[dict]) -> Optional[dict]:
    """How the pipeline loads labels; None when it loads none."""
    for transform in pipeline or []:
        kind = transform.get('type')
        if kind == 'LoadUDAAnnotations':
            mapping = transform.get('label_mapping')
            if mapping is not None:
                get_label_mapping(mapping)  # a clear error for a bad name
            return dict(
                loader=kind,
                label_mapping=mapping,
                channel=transform.get('channel'),
                imdecode_backend=transform.get('imdecode_backend'),
                size_mismatch=transform.get('size_mismatch', 'error'))
        if kind == 'LoadAnnotations':
            return dict(
                loader=kind,
                label_mapping=None,
                channel=None,
                imdecode_backend=transform.get('imdecode_backend', 'pillow'),
                size_mismatch='error')
        if kind and kind.startswith('Load') and 'Label' in kind:
            return dict(loader=kind)  # e.g. soft pseudo labels: read only
    return None


def image_backend(pipeline: List[dict]) -> str:
    for transform in pipeline or []:
        if transform.get('type') == 'LoadImageFromFile':
            return transform.get('imdecode_backend', 'cv2')
    return 'cv2'


def _problem(path: str, problem: str, fix: str, kind: str) -> dict:
    return dict(file=path, problem=problem, fix=fix, kind=kind)


def _kind(what: str, problem: str) -> str:
    """``'image cannot be decoded'`` from ``'cannot be decoded (...)'``."""
    return f'{what} {problem.split(" (")[0]}'


def _check_label(label: np.ndarray, labels: dict) -> Dict[int, int]:
    """Pixel counts of the ids the label mapping in use does not know."""
    ids, counts = np.unique(label, return_counts=True)
    if labels['label_mapping'] is not None:
        bad = set(unknown_label_ids(ids, labels['label_mapping']).tolist())
    else:
        valid = set(labels['valid_ids']) | {IGNORE_INDEX}
        bad = set(ids.tolist()) - valid
    return {
        int(i): int(c)
        for i, c in zip(ids.tolist(), counts.tolist()) if i in bad
    }


def _unknown_ids_fix(labels: dict) -> str:
    mapping = labels['label_mapping']
    if mapping is not None:
        name = repr(mapping) if isinstance(mapping, str) else 'the dict'
        return (f'label_mapping {name} does not list these ids (training '
                'maps them to 255 = ignored): check that the file belongs to '
                'this dataset and that label_mapping matches its id space')
    return (f'labels in train ids may only hold 0-{labels["num_classes"] - 1}'
            ' and 255: check the file (a raw label map needs '
            'LoadUDAAnnotations with its label_mapping) and num_classes')


def check_sample(
    task: Tuple[str, Optional[str], Optional[dict], str,
                Optional[dict]]) -> dict:
    """Check one image and its label; a JSON-ready dict of findings."""
    img_path, seg_path, labels, img_backend, backend_args = task
    errors, warnings = [], []
    content, problem = read_file(img_path, backend_args)
    image = None
    if problem is None:
        image, problem = decode_image(content, img_backend)
    if problem:
        errors.append(
            _problem(img_path, f'image {problem}', UNREADABLE_FIX,
                     _kind('image', problem)))
    unknown = {}
    if seg_path is not None and labels is not None:
        content, problem = read_file(seg_path, backend_args)
        label = None
        if problem is None and labels['loader'] in ('LoadUDAAnnotations',
                                                    'LoadAnnotations'):
            try:
                label = decode_label(content, seg_path, labels['channel'],
                                     labels['imdecode_backend'])
            except Exception as error:  # damaged file or wrong channel
                problem = f'cannot be decoded ({error})'
        if problem:
            errors.append(
                _problem(seg_path, f'label {problem}', UNREADABLE_FIX,
                         _kind('label', problem)))
        if label is not None:
            unknown = _check_label(label, labels)
            if unknown:
                errors.append(
                    _problem(
                        seg_path, 'label holds unknown ids (id: pixels) ' +
                        ', '.join(f'{i}: {n}' for i, n in unknown.items()),
                        _unknown_ids_fix(labels), 'label holds unknown ids'))
            if image is not None and label.shape[:2] != image.shape[:2]:
                size = (f'label is {label.shape[1]}x{label.shape[0]} (WxH), '
                        f'its image {img_path} {image.shape[1]}x'
                        f'{image.shape[0]}')
                if labels['size_mismatch'] == 'resize':
                    warnings.append(
                        _problem(seg_path, size + ' (resized in training)',
                                 'none needed', 'label size differs'))
                else:
                    errors.append(
                        _problem(seg_path, size, SIZE_FIX,
                                 'label size differs from its image'))
    return dict(
        img_path=img_path,
        seg_map_path=seg_path,
        errors=errors,
        warnings=warnings,
        unknown_ids=unknown)


def _label_settings(dataset, pipeline: List[dict]) -> Optional[dict]:
    labels = label_settings(pipeline)
    if labels is not None and labels['loader'] in ('LoadUDAAnnotations',
                                                   'LoadAnnotations'):
        label_map = dataset.metainfo.get('label_map') or {}
        num_classes = len(dataset.metainfo.get('classes') or ())
        labels['num_classes'] = num_classes
        labels['valid_ids'] = sorted(label_map) or list(range(num_classes))
    return labels


def _without_pipeline(dataset_cfg: ConfigDict) -> Tuple[dict, list]:
    cfg = dataset_cfg.copy()
    pipeline = cfg.get('pipeline', [])
    cfg['pipeline'] = []
    cfg['lazy_init'] = False
    return cfg, pipeline


def build_tasks(dataset_cfg: ConfigDict) -> Tuple[object, list, dict]:
    """Build a dataset (file lists only) and its per-sample check tasks.

    The dataset's folders and split file are checked first
    (``mmseg_uda.datasets.dataset_checks``), so an empty or missing folder
    raises with its path instead of inside MMEngine.
    """
    cfg, pipeline = _without_pipeline(dataset_cfg)
    dataset = build_checked_dataset(cfg)
    dataset.full_init()
    labels = _label_settings(dataset, pipeline)
    backend = image_backend(pipeline)
    backend_args = cfg.get('backend_args')
    tasks = []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        tasks.append((info['img_path'], info.get('seg_map_path'), labels,
                      backend, backend_args))
    return dataset, tasks, labels


def reachable_tasks(dataset_cfg: ConfigDict) -> Tuple[list, dict]:
    """Check tasks of every file a dataset that cannot be built names.

    The dataset is built without listing its samples; the images are those
    of its split file (when it has one and it lists names) or else every
    image under its image folder, each paired with the label the dataset
    would expect, so missing images and labels are reported as such and
    every other file is still decoded.
    """
    cfg, pipeline = _without_pipeline(dataset_cfg)
    dataset = DATASETS.build(lazy_dataset_cfg(cfg))
    prefix = getattr(dataset, 'data_prefix', None) or {}
    img_dir = prefix.get('img_path')
    img_suffix = getattr(dataset, 'img_suffix', None)
    if img_dir is None or img_suffix is None:
        return [], None
    backend_args = cfg.get('backend_args')
    found = []
    if fileio.isdir(img_dir, backend_args=backend_args):
        found = sorted(
            name[:-len(img_suffix)] for name in fileio.list_dir_or_file(
                img_dir,
                list_dir=False,
                suffix=img_suffix,
                recursive=True,
                backend_args=backend_args))
    stems = found
    ann_file = getattr(dataset, 'ann_file', None)
    if ann_file and fileio.isfile(ann_file, backend_args=backend_args):
        listed = [
            line.strip() for line in mmengine.list_from_file(
                ann_file, backend_args=backend_args) if line.strip()
        ]
        stems = listed or found
    seg_dir = prefix.get('seg_map_path')
    seg_suffix = getattr(dataset, 'seg_map_suffix', '.png')
    labels = _label_settings(dataset, pipeline)
    backend = image_backend(pipeline)
    tasks = [(osp.join(img_dir, stem + img_suffix),
              osp.join(seg_dir, stem + seg_suffix) if seg_dir else None,
              labels, backend, backend_args) for stem in stems]
    return tasks, labels


def _dedup_key(dataset_cfg: ConfigDict) -> str:
    return json.dumps(dataset_cfg.to_dict(), sort_keys=True, default=str)


def check_datasets(cfg: Config, nproc: int = 1) -> dict:
    """Check every dataset of ``cfg``; the report as a dict."""
    reports, seen = [], {}
    for name, dataset_cfg in find_datasets(cfg):
        key = _dedup_key(dataset_cfg)
        if key in seen:
            seen[key]['names'].append(name)
            continue
        report = dict(
            names=[name],
            type=dataset_cfg.get('type'),
            data_root=dataset_cfg.get('data_root'),
            num_samples=0,
            labels=None,
            error=None,
            files=[])
        seen[key] = report
        reports.append(report)
        print(f'\n{name} ({report["type"]}, {report["data_root"]})')
        try:
            _, tasks, labels = build_tasks(dataset_cfg)
        except Exception as error:  # the datasets say what to fix
            report['error'] = f'{type(error).__name__}: {error}'
            print(f'  cannot build the dataset: {report["error"]}')
            try:
                tasks, labels = reachable_tasks(dataset_cfg)
            except Exception as scan_error:
                print(f'  and cannot list its files: {scan_error}')
                continue
            print(f'  checking the {len(tasks)} samples it can reach')
        else:
            report['num_samples'] = len(tasks)
        report['labels'] = labels and {
            k: v
            for k, v in labels.items() if k != 'valid_ids'
        }
        if not tasks:
            report['error'] = report['error'] or 'the dataset is empty'
            continue
        if nproc > 1:
            results = track_parallel_progress(check_sample, tasks, nproc)
        else:
            results = track_progress(check_sample, tasks)
        report['files'] = [r for r in results if r['errors'] or r['warnings']]
    return dict(
        config=cfg.filename,
        datasets=reports,
        ok=not any(r['error'] or any(f['errors'] for f in r['files'])
                   for r in reports))


def group_faults(report: dict) -> Dict[str, dict]:
    """Every fault of ``report`` by kind: ``count``, ``files``, ``fix``."""
    groups: Dict[str, dict] = {}

    def add(kind: str, line: str, fix: str) -> None:
        group = groups.setdefault(kind, dict(count=0, lines=[], fix=fix))
        group['count'] += 1
        group['lines'].append(line)

    for entry in report['datasets']:
        if entry['error']:
            name = ' = '.join(entry['names'])
            add('dataset cannot be built', f'{name}: {entry["error"]}',
                BUILD_FIX if entry['files'] else DATA_HINT)
        for sample in entry['files']:
            for item in sample['errors']:
                add(item['kind'], f'{item["file"]}: {item["problem"]}',
                    item['fix'])
    return groups


def format_report(report: dict) -> str:
    """The summary table and the faults by kind with their fixes."""
    lines = [
        '', 'dataset | type | samples | bad files | unknown-id labels | '
        'size warnings'
    ]
    for entry in report['datasets']:
        bad = [f for f in entry['files'] if f['errors']]
        unknown = sum(1 for f in entry['files'] if f['unknown_ids'])
        num_warnings = sum(len(f['warnings']) for f in entry['files'])
        status = (f'cannot be built, {len(bad)} bad of those it reaches'
                  if entry['error'] else str(len(bad)))
        lines.append(f'{" = ".join(entry["names"])} | {entry["type"]} | '
                     f'{entry["num_samples"]} | {status} | {unknown} | '
                     f'{num_warnings}')
    groups = group_faults(report)
    if not groups:
        lines += ['', 'All files are readable and consistent.']
        return '\n'.join(lines)
    total = sum(group['count'] for group in groups.values())
    lines += ['', f'{total} problem(s) of {len(groups)} kind(s):']
    for kind, group in groups.items():
        lines.append(f'{kind}: {group["count"]}')
        lines += [f'    {line}' for line in group['lines'][:NUM_SHOWN]]
        more = group['count'] - NUM_SHOWN
        if more > 0:
            lines.append(f'    ... and {more} more (all of them with --out)')
        lines.append(f'    fix: {group["fix"]}')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    report = check_datasets(cfg, args.nproc)
    print(format_report(report))
    report['faults'] = {
        kind: dict(
            count=group['count'], files=group['lines'], fix=group['fix'])
        for kind, group in group_faults(report).items()
    }
    if args.out:
        out_dir = osp.dirname(osp.abspath(args.out))
        os.makedirs(out_dir, exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(report, f, indent=2)
        print(f'Report written to {args.out}')
    return 0 if report['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
