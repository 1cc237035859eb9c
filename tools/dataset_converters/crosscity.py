"""Write 13-class Cross-City id maps next to the NTHU test labels.

    python tools/dataset_converters/crosscity.py data/crosscity --nproc 8

turns every ``{city}/Labels/Test/<name>_eval.png`` (Cityscapes labelIds) into
``<name>_eval_labelTrainIds.png`` holding the 13 contiguous Cross-City ids;
then configure ``CrossCityDataset`` with
``seg_map_suffix='_eval_labelTrainIds.png'`` and ``LoadUDAAnnotations``
without a ``label_mapping``.
"""
import argparse
import os.path as osp

from mmseg_uda.datasets.crosscity import (CROSSCITY_PREPARE_HINT,
                                          CrossCityDataset)
from mmseg_uda.datasets.utils import convert_label_files, find_label_files


def parse_args(args=None):
    parser = argparse.ArgumentParser(
        description='Convert Cross-City labels to the 13 Cross-City ids')
    parser.add_argument('crosscity_path', help='folder holding the cities')
    parser.add_argument(
        '--cities',
        nargs='+',
        choices=CrossCityDataset.CITIES,
        help='cities to convert (default: every city folder found)')
    parser.add_argument(
        '--nproc', default=1, type=int, help='number of processes')
    return parser.parse_args(args)


def main(args=None):
    args = parse_args(args)
    cities = args.cities or [
        city for city in CrossCityDataset.CITIES
        if osp.isdir(osp.join(args.crosscity_path, city))
    ]
    if not cities:
        raise FileNotFoundError(
            f'No city folder {CrossCityDataset.CITIES} under '
            f'{args.crosscity_path!r}: {CROSSCITY_PREPARE_HINT}')
    files = []
    for city in cities:
        label_dir = osp.join(args.crosscity_path, city, 'Labels', 'Test')
        files += find_label_files(label_dir, '_eval.png',
                                  '_eval_labelTrainIds.png',
                                  f'Cross-City {city}', CROSSCITY_PREPARE_HINT)
    convert_label_files(
        files,
        '_eval.png',
        '_eval_labelTrainIds.png',
        'crosscity',
        nproc=args.nproc)


if __name__ == '__main__':
    main()
