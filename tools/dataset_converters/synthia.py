"""Write 19-class trainId maps next to the SYNTHIA-RAND-CITYSCAPES labels.

    python tools/dataset_converters/synthia.py data/synthia --nproc 8

turns every 16-bit ``GT/LABELS/<name>.png`` (class id in the first channel)
into an 8-bit ``GT/LABELS/<name>_labelTrainIds.png``; then configure
``SynthiaDataset`` with ``seg_map_suffix='_labelTrainIds.png'`` and
``LoadUDAAnnotations`` without ``label_mapping`` and ``channel``.
"""
import argparse
import os.path as osp

from mmseg_uda.datasets.synthia import SYNTHIA_PREPARE_HINT
from mmseg_uda.datasets.utils import convert_label_files, find_label_files

# OpenCV decodes channels as BGR: the first PNG channel comes last.
CLASS_CHANNEL = 2


def parse_args(args=None):
    parser = argparse.ArgumentParser(
        description='Convert SYNTHIA labels to Cityscapes trainIds')
    parser.add_argument('synthia_path', help='SYNTHIA-RAND-CITYSCAPES root')
    parser.add_argument(
        '--gt-dir',
        default='GT/LABELS',
        help='label folder under synthia_path')
    parser.add_argument(
        '--nproc', default=1, type=int, help='number of processes')
    return parser.parse_args(args)


def main(args=None):
    args = parse_args(args)
    files = find_label_files(
        osp.join(args.synthia_path, args.gt_dir), '.png', '_labelTrainIds.png',
        'SYNTHIA', SYNTHIA_PREPARE_HINT)
    convert_label_files(
        files,
        '.png',
        '_labelTrainIds.png',
        'synthia',
        channel=CLASS_CHANNEL,
        nproc=args.nproc)


if __name__ == '__main__':
    main()
