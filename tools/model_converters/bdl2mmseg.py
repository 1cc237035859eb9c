"""Convert BDL's released DeepLab models to mmseg_uda.

``GTA5_deeplab``, ``SYNTHIA_deeplab``, ``SSL_step1`` / ``SSL_step2`` become
a segmentor for ``configs/bdl/bdl_r101_gta2cs-official.py``; with a
``*_D.pth`` discriminator of the training code a ``BDL`` checkpoint::

    python tools/model_converters/bdl2mmseg.py GTA5_deeplab.pth \\
        checkpoints/bdl_gta2cs.pth
"""
import argparse
from typing import List, Optional

from mmseg_uda.models.utils.official_weights import (convert_bdl,
                                                     load_official_file,
                                                     run_conversion)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='the official model (.pth)')
    parser.add_argument('dst', help='where to write the mmseg checkpoint')
    parser.add_argument(
        '--discriminator', help='the matching *_D.pth of the training code')
    args = parser.parse_args(argv)

    def convert():
        disc = (
            load_official_file(args.discriminator)
            if args.discriminator else None)
        return convert_bdl(load_official_file(args.src), args.src, disc)

    run_conversion(args.src, args.dst, convert, parser.error)


if __name__ == '__main__':
    main()
