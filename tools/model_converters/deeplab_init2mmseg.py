"""Convert the DeepLabV2 initial model of AdaptSegNet / BDL to mmseg.

``DeepLab_resnet_pretrained_init-f81d91e8.pth`` (keys ``Scale.*``) becomes
the weights of mmseg_uda's ``DeepLabV2ResNet`` backbone, for
``LocalPretrained`` (its MS-COCO classifier is dropped)::

    python tools/model_converters/deeplab_init2mmseg.py \\
        DeepLab_resnet_pretrained_init-f81d91e8.pth \\
        checkpoints/deeplab_resnet101_init.pth
"""
import argparse
from typing import List, Optional

from mmseg_uda.models.utils.official_weights import (convert_deeplab_init,
                                                     load_official_file,
                                                     run_conversion)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='the official initial model (.pth)')
    parser.add_argument('dst', help='where to write the mmseg weights')
    args = parser.parse_args(argv)
    run_conversion(
        args.src, args.dst,
        lambda: convert_deeplab_init(load_official_file(args.src), args.src),
        parser.error)


if __name__ == '__main__':
    main()
