"""Convert AdaptSegNet's released models to mmseg_uda.

The ``DeeplabMulti`` models (``GTA2Cityscapes_multi-ed35151c.pth`` and the
models of ``DA_Seg_models.zip``) become a segmentor for
``configs/adaptsegnet/adaptsegnet_r101_gta2cs-multi-level-official.py``;
with the discriminators of the training code (``*_D2.pth`` on conv5,
``*_D1.pth`` on conv4) an ``AdaptSegNet`` checkpoint::

    python tools/model_converters/adaptsegnet2mmseg.py \\
        GTA2Cityscapes_multi-ed35151c.pth checkpoints/adaptsegnet_gta2cs.pth
"""
import argparse
from typing import List, Optional

from mmseg_uda.models.utils.official_weights import (convert_adaptsegnet,
                                                     load_official_file,
                                                     run_conversion)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='the official model (.pth)')
    parser.add_argument('dst', help='where to write the mmseg checkpoint')
    parser.add_argument(
        '--discriminator',
        help='model_D2 of the official training code (conv5 output)')
    parser.add_argument(
        '--aux-discriminator',
        help='model_D1 of the official training code (conv4 output)')
    args = parser.parse_args(argv)

    def convert():
        discs = [
            load_official_file(path) if path else None
            for path in (args.discriminator, args.aux_discriminator)
        ]
        return convert_adaptsegnet(
            load_official_file(args.src), args.src, *discs)

    run_conversion(args.src, args.dst, convert, parser.error)


if __name__ == '__main__':
    main()
