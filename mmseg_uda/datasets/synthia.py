"""SYNTHIA-RAND-CITYSCAPES as a source domain."""
from mmseg.datasets import BaseSegDataset, CityscapesDataset
from mmseg.registry import DATASETS

from .skip_unreadable import SkipUnreadableMixin
from .utils import load_seg_data_list

SYNTHIA_PREPARE_HINT = (
    'download SYNTHIA-RAND-CITYSCAPES from https://synthia-dataset.net/'
    'downloads/ and extract RGB/ and GT/LABELS/ under data/synthia (see '
    "README 'Prepare datasets')")


@DATASETS.register_module()
class SynthiaDataset(SkipUnreadableMixin, BaseSegDataset):
    """SYNTHIA-RAND-CITYSCAPES with the 19 Cityscapes classes.

    Layout::

        data/synthia
        ├── RGB/0000000.png ...
        └── GT/LABELS/0000000.png ...  (16-bit, class id in the first channel)

    Terrain, truck and train never occur; evaluate on the 16 or 13 shared
    classes. Load raw labels with ``dict(type='LoadUDAAnnotations',
    label_mapping='synthia', channel=2)`` (OpenCV reads channels as BGR), or
    run ``tools/dataset_converters/synthia.py`` once and use
    ``seg_map_suffix='_labelTrainIds.png'``.

    Args:
        img_suffix (str): Image suffix. Defaults to '.png'.
        seg_map_suffix (str): Label suffix. Defaults to '.png'.
        data_prefix (dict): Image and label folders relative to
            ``data_root``. Defaults to
            ``dict(img_path='RGB', seg_map_path='GT/LABELS')``.
        skip_unpaired (bool): Drop (and log) images without a label instead
            of raising. Defaults to False.
        skip_unreadable (bool): In training, skip samples whose image or
            label file is unreadable (empty, truncated, damaged) with a
            warning that names the file and counts the skipped samples,
            instead of stopping. Other loading errors are still raised.
            Defaults to False.
        **kwargs: Other arguments of ``BaseSegDataset``.
    """
    METAINFO = CityscapesDataset.METAINFO
    #: ``load_data_list`` names missing or empty folders and split files
    #: with the download hint (``dataset_checks`` leaves them to it).
    CHECKS_OWN_FILES = True

    def __init__(self,
                 img_suffix: str = '.png',
                 seg_map_suffix: str = '.png',
                 data_prefix: dict = dict(
                     img_path='RGB', seg_map_path='GT/LABELS'),
                 skip_unpaired: bool = False,
                 skip_unreadable: bool = False,
                 **kwargs) -> None:
        self.skip_unpaired = skip_unpaired
        super().__init__(
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            data_prefix=data_prefix,
            **kwargs)
        self._init_skip_unreadable(skip_unreadable, 'SynthiaDataset')

    def load_data_list(self) -> list:
        """List the image / label pairs, checking that they exist."""
        return load_seg_data_list(self, 'SYNTHIA', SYNTHIA_PREPARE_HINT,
                                  self.skip_unpaired)
