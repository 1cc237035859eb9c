"""Convert FADA's released checkpoints to mmseg_uda.

``g2c_sd.pth`` / ``s2c_sd.pth`` (``feature_extractor`` + ``classifier``)
become a segmentor for ``configs/fada/fada_r101_gta2cs-official.py``;
checkpoints of the adversarial stage, which also hold ``model_D``, a
``FADA`` checkpoint with the fine-grained discriminator::

    python tools/model_converters/fada2mmseg.py g2c_sd.pth \\
        checkpoints/fada_gta2cs_sd.pth
"""
import argparse
from typing import List, Optional

from mmseg_uda.models.utils.official_weights import (convert_fada,
                                                     load_official_file,
                                                     run_conversion)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='the official checkpoint (.pth)')
    parser.add_argument('dst', help='where to write the mmseg checkpoint')
    args = parser.parse_args(argv)
    run_conversion(
        args.src, args.dst,
        lambda: convert_fada(load_official_file(args.src), args.src),
        parser.error)


if __name__ == '__main__':
    main()
