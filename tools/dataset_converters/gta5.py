"""Write 19-class trainId maps next to the GTA5 labels.

    python tools/dataset_converters/gta5.py data/gta5 --nproc 8

turns every ``labels/<name>.png`` (Cityscapes labelIds) into
``labels/<name>_labelTrainIds.png``; then configure ``GTA5Dataset`` with
``seg_map_suffix='_labelTrainIds.png'`` and ``LoadUDAAnnotations`` without a
``label_mapping``.
"""
import argparse
import os.path as osp

from mmseg_uda.datasets.gta5 import GTA5_PREPARE_HINT
from mmseg_uda.datasets.utils import convert_label_files, find_label_files


def parse_args(args=None):
    parser = argparse.ArgumentParser(
        description='Convert GTA5 labels to Cityscapes trainIds')
    parser.add_argument('gta5_path', help='GTA5 root folder')
    parser.add_argument(
        '--gt-dir', default='labels', help='label folder under gta5_path')
    parser.add_argument(
        '--nproc', default=1, type=int, help='number of processes')
    return parser.parse_args(args)


def main(args=None):
    args = parse_args(args)
    files = find_label_files(
        osp.join(args.gta5_path, args.gt_dir), '.png', '_labelTrainIds.png',
        'GTA5', GTA5_PREPARE_HINT)
    convert_label_files(
        files, '.png', '_labelTrainIds.png', 'cityscapes', nproc=args.nproc)


if __name__ == '__main__':
    main()
