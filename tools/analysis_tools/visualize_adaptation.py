"""A picture of what adaptation does: one grid row per target image.

Columns: the target image, its ground truth, the prediction of a
source-only model, the prediction of an adapted model and, for methods that
have them, the pseudo label of the image (ignored pixels in white) and a
source image next to its translation. Label maps are drawn with mmseg's
``SegLocalVisualizer`` in the dataset's palette::

    python tools/analysis_tools/visualize_adaptation.py \\
        configs/source_only/deeplabv2_r18_toy-gta2cs.py SOURCE_ONLY.pth \\
        configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py ADAPTED.pth \\
        --out adaptation.png --num-samples 4

Each model predicts through its own config's test pipeline (without the
annotation loaders); the images, the ground truth and the palette come from
the adapted config's dataset (``--dataset``, default its test set).
``--pseudo-label-dir`` points at the folder ``tools/gen_pseudo_labels.py``
wrote for that dataset (for the target train set: ``--dataset
target_train_dataset``), ``--translated-root`` at the output of
``tools/translate.py`` for ``--source-dataset``.
"""
import argparse
import os
import os.path as osp
from typing import List, Optional, Sequence

import mmcv
import numpy as np
import torch
from mmengine.config import Config, DictAction
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.visualization import SegLocalVisualizer

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.apis import build_dataset, init_segmentor
from mmseg_uda.datasets.transforms.pipeline_filter import find_label_loader
from mmseg_uda.engine.pseudo_labels.generator import pseudo_label_path

IGNORE_INDEX = 255
IGNORE_COLOR = (255, 255, 255)
HEADER_HEIGHT = 22
SPACING = 4


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Grid of target images, ground truth and the '
        'predictions of a source-only and an adapted model')
    parser.add_argument(
        'source_config', help='config of the source-only '
        'model')
    parser.add_argument('source_checkpoint', help='its checkpoint')
    parser.add_argument('adapted_config', help='config of the adapted model')
    parser.add_argument('adapted_checkpoint', help='its checkpoint')
    parser.add_argument('--out', required=True, help='the PNG to write')
    parser.add_argument(
        '--dataset',
        default='test_dataloader.dataset',
        help='dataset of the adapted config to draw from: a variable '
        '(target_val_dataset, target_train_dataset) or a dotted path')
    parser.add_argument(
        '--indices', type=int, nargs='+', help='the samples to draw')
    parser.add_argument(
        '--num-samples',
        type=int,
        default=4,
        help='without --indices: this many samples, evenly spaced over the '
        'dataset')
    parser.add_argument(
        '--pseudo-label-dir',
        help='folder of the pseudo labels of --dataset (written by '
        'tools/gen_pseudo_labels.py): adds a pseudo-label column')
    parser.add_argument(
        '--pseudo-label-suffix',
        default='_pseudo.png',
        help='suffix of the pseudo-label files')
    parser.add_argument(
        '--translated-root',
        help='output root of tools/translate.py for --source-dataset: adds '
        'a source image and a translated source image column')
    parser.add_argument(
        '--source-dataset',
        default='source_train_dataset',
        help='source dataset of the adapted config whose images were '
        'translated')
    parser.add_argument(
        '--titles',
        nargs=2,
        default=['source only', 'adapted'],
        metavar=('SOURCE_ONLY', 'ADAPTED'),
        help='column titles of the two predictions')
    parser.add_argument(
        '--width',
        type=int,
        default=512,
        help='panel width in pixels (panels are never enlarged)')
    parser.add_argument(
        '--alpha',
        type=float,
        default=1.0,
        help='opacity of the label colours over the image (1: colours only)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the adapted config, key=value')
    return parser.parse_args(argv)


def sample_indices(num_items: int, indices: Optional[Sequence[int]],
                   num_samples: int) -> List[int]:
    """The rows: ``indices``, or ``num_samples`` evenly spaced ones."""
    if indices:
        bad = [i for i in indices if not 0 <= i < num_items]
        if bad:
            raise IndexError(f'--indices {bad} outside the dataset of '
                             f'{num_items} samples.')
        return list(indices)
    count = min(num_samples, num_items)
    return sorted(
        {int(round(i))
         for i in np.linspace(0, num_items - 1, count)})


class GridPainter:
    """Draws image and label panels and joins them into a grid.

    Args:
        classes (Sequence[str]): Class names.
        palette (Sequence): One RGB colour per class.
        width (int): Largest panel width.
        alpha (float): Opacity of the label colours.
    """

    def __init__(self, classes: Sequence[str], palette: Sequence, width: int,
                 alpha: float) -> None:
        self.visualizer = SegLocalVisualizer(
            name='visualize_adaptation', alpha=alpha)
        self.visualizer.set_dataset_meta(list(classes), list(palette))
        self.width = width

    def size(self, image: np.ndarray) -> tuple:
        h, w = image.shape[:2]
        scale = min(1.0, self.width / w)
        return max(1, round(w * scale)), max(1, round(h * scale))

    def image(self, image: np.ndarray) -> np.ndarray:
        """An RGB image panel."""
        return mmcv.imresize(image, self.size(image))

    def labels(self, image: np.ndarray, label: np.ndarray) -> np.ndarray:
        """A label map in the palette (255 in white) over ``image``."""
        size = self.size(image)
        label = mmcv.imresize(label, size, interpolation='nearest')
        drawn = self.visualizer._draw_sem_seg(
            mmcv.imresize(image, size),
            PixelData(data=torch.from_numpy(label[None].astype(np.int64))),
            self.visualizer.dataset_meta['classes'],
            self.visualizer.dataset_meta['palette'],
            with_labels=False)
        drawn[label == IGNORE_INDEX] = IGNORE_COLOR
        return drawn

    def grid(self, titles: Sequence[str],
             rows: Sequence[Sequence[np.ndarray]]) -> np.ndarray:
        """Panels in rows under a header of column titles (RGB)."""
        widths = [
            max(row[c].shape[1] for row in rows) for c in range(len(titles))
        ]
        heights = [max(panel.shape[0] for panel in row) for row in rows]
        xs = np.cumsum([0] + [w + SPACING for w in widths])
        canvas = np.full((HEADER_HEIGHT + sum(heights) + SPACING * len(rows),
                          xs[-1] - SPACING, 3),
                         255,
                         dtype=np.uint8)
        y = HEADER_HEIGHT
        for row, height in zip(rows, heights):
            for x, panel in zip(xs, row):
                canvas[y:y + panel.shape[0], x:x + panel.shape[1]] = panel
            y += height + SPACING
        self.visualizer.set_image(canvas)
        self.visualizer.draw_texts(
            list(titles),
            np.array([[x + 2, 3] for x in xs[:-1]]),
            colors='black',
            font_sizes=10)
        return self.visualizer.get_image()


def predict(model: torch.nn.Module, dataset, index: int) -> np.ndarray:
    """The (H, W) prediction of ``model`` at the image's original size."""
    with torch.no_grad():
        sample = model.test_step(pseudo_collate([dataset[index]]))[0]
    return sample.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8)


def read_label(path: str, hint: str) -> np.ndarray:
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found: {hint}')
    return mmcv.imread(path, flag='unchanged')


def read_rgb(path: str, hint: str) -> np.ndarray:
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found: {hint}')
    return mmcv.imread(path, channel_order='rgb')


def render(args: argparse.Namespace) -> np.ndarray:
    source_cfg = Config.fromfile(args.source_config)
    adapted_cfg = Config.fromfile(args.adapted_config)
    if args.cfg_options is not None:
        adapted_cfg.merge_from_dict(args.cfg_options)
    init_default_scope(adapted_cfg.get('default_scope', 'mmseg'))

    images = build_dataset(adapted_cfg, args.dataset, pipeline=[])
    loader = find_label_loader(adapted_cfg.test_pipeline)
    has_gt = bool(loader) and 'seg_map_path' in images.get_data_info(0)
    load = Compose([dict(type='LoadImageFromFile')] +
                   ([loader] if has_gt else []))
    models = [(init_segmentor(cfg, checkpoint),
               build_dataset(
                   adapted_cfg,
                   args.dataset,
                   pipeline=cfg.test_pipeline,
                   labels=False))
              for cfg, checkpoint in ((source_cfg, args.source_checkpoint),
                                      (adapted_cfg, args.adapted_checkpoint))]
    painter = GridPainter(images.metainfo['classes'],
                          images.metainfo['palette'], args.width, args.alpha)

    titles = ['target image'] + (['ground truth'] if has_gt else [])
    titles += list(args.titles)
    if args.pseudo_label_dir:
        titles.append('pseudo label (white: ignored)')
    translated = None
    if args.translated_root:
        translated = build_dataset(
            adapted_cfg, args.source_dataset, pipeline=[])
        titles += ['source image', 'translated source']

    rows = []
    for row, index in enumerate(
            sample_indices(len(images), args.indices, args.num_samples)):
        sample = load(images.get_data_info(index))
        image = mmcv.bgr2rgb(sample['img'])
        panels = [painter.image(image)]
        if has_gt:
            panels.append(painter.labels(image, sample['gt_seg_map']))
        for model, dataset in models:
            panels.append(
                painter.labels(image, predict(model, dataset, index)))
        if args.pseudo_label_dir:
            path = pseudo_label_path(sample['img_path'],
                                     images.data_prefix['img_path'],
                                     images.img_suffix, args.pseudo_label_dir,
                                     args.pseudo_label_suffix)
            panels.append(
                painter.labels(
                    image,
                    read_label(
                        path, 'write the pseudo labels of this dataset with '
                        'tools/gen_pseudo_labels.py --dataset '
                        f'{args.dataset}, or fix --pseudo-label-dir')))
        if translated is not None:
            info = translated.get_data_info(row % len(translated))
            rel = osp.relpath(info['img_path'], translated.data_root)
            hint = ('translate the source images with tools/translate.py '
                    '--out-root, or fix --translated-root')
            panels.append(painter.image(read_rgb(info['img_path'], hint)))
            panels.append(
                painter.image(
                    read_rgb(osp.join(args.translated_root, rel), hint)))
        rows.append(panels)
    return painter.grid(titles, rows)


def main(argv: Optional[List[str]] = None) -> str:
    args = parse_args(argv)
    grid = render(args)
    out_dir = osp.dirname(osp.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    mmcv.imwrite(mmcv.rgb2bgr(grid), args.out)
    print(f'Wrote {args.out} ({grid.shape[1]}x{grid.shape[0]})')
    return args.out


if __name__ == '__main__':
    main()
