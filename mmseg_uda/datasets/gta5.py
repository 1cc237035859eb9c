"""GTA5 (Playing for Data) as a source domain."""
from mmseg.datasets import BaseSegDataset, CityscapesDataset
from mmseg.registry import DATASETS

from .skip_unreadable import SkipUnreadableMixin
from .utils import load_seg_data_list

GTA5_PREPARE_HINT = (
    'download GTA5 from https://download.visinf.tu-darmstadt.de/data/'
    'from_games/ and extract images/ and labels/ under data/gta5 (see '
    "README 'Prepare datasets')")


@DATASETS.register_module()
class GTA5Dataset(SkipUnreadableMixin, BaseSegDataset):
    """GTA5 dataset with the 19 Cityscapes classes.

    Layout::

        data/gta5
        ├── images/00001.png ...
        └── labels/00001.png ...      (Cityscapes labelIds, indexed PNG)

    Raw labels hold Cityscapes labelIds: load them with
    ``dict(type='LoadUDAAnnotations', label_mapping='cityscapes')``, or run
    ``tools/dataset_converters/gta5.py`` once and use
    ``seg_map_suffix='_labelTrainIds.png'`` with ``label_mapping=None``.

    Some GTA5 downloads hold 24,941 instead of 24,966 image / label pairs;
    images without a label raise an error listing them unless
    ``skip_unpaired=True``. Leave ``seg_map_path`` out of ``data_prefix``
    to load images only.

    Args:
        img_suffix (str): Image suffix. Defaults to '.png'.
        seg_map_suffix (str): Label suffix. Defaults to '.png'.
        data_prefix (dict): Image and label folders relative to
            ``data_root``. Defaults to
            ``dict(img_path='images', seg_map_path='labels')``.
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
                     img_path='images', seg_map_path='labels'),
                 skip_unpaired: bool = False,
                 skip_unreadable: bool = False,
                 **kwargs) -> None:
        self.skip_unpaired = skip_unpaired
        super().__init__(
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            data_prefix=data_prefix,
            **kwargs)
        self._init_skip_unreadable(skip_unreadable, 'GTA5Dataset')

    def load_data_list(self) -> list:
        """List the image / label pairs, checking that they exist."""
        return load_seg_data_list(self, 'GTA5', GTA5_PREPARE_HINT,
                                  self.skip_unpaired)
