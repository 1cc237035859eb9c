"""Write 19-class trainId maps next to the Cityscapes labelIds maps.

    python tools/dataset_converters/cityscapes.py data/cityscapes --nproc 8

turns every ``gtFine/**/*_gtFine_labelIds.png`` into
``*_gtFine_labelTrainIds.png`` (what mmseg's ``CityscapesDataset`` reads),
with the same id table as the GTA5 converter and no need for
cityscapesscripts.
"""
import argparse
import os.path as osp

from mmseg_uda.datasets.utils import convert_label_files, find_label_files

CITYSCAPES_PREPARE_HINT = (
    'download gtFine_trainvaltest.zip from https://www.cityscapes-dataset.com'
    '/downloads/ and extract gtFine/ under data/cityscapes')


def parse_args(args=None):
    parser = argparse.ArgumentParser(
        description='Convert Cityscapes labelIds to trainIds')
    parser.add_argument('cityscapes_path', help='Cityscapes root folder')
    parser.add_argument(
        '--gt-dir', default='gtFine', help='label folder under the root')
    parser.add_argument(
        '--nproc', default=1, type=int, help='number of processes')
    return parser.parse_args(args)


def main(args=None):
    args = parse_args(args)
    files = find_label_files(
        osp.join(args.cityscapes_path, args.gt_dir), '_gtFine_labelIds.png',
        '_gtFine_labelTrainIds.png', 'Cityscapes', CITYSCAPES_PREPARE_HINT)
    convert_label_files(
        files,
        '_gtFine_labelIds.png',
        '_gtFine_labelTrainIds.png',
        'cityscapes',
        nproc=args.nproc)


if __name__ == '__main__':
    main()
