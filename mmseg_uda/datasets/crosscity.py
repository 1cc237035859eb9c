"""Cross-City (NTHU): Rome, Rio, Tokyo and Taipei as target domains."""
from typing import Optional

from mmseg.datasets import BaseSegDataset, CityscapesDataset
from mmseg.registry import DATASETS

from .label_ids import CROSSCITY_CLASSES, SUBSET_13
from .skip_unreadable import SkipUnreadableMixin
from .utils import load_seg_data_list

CROSSCITY_PREPARE_HINT = (
    'request the NTHU Cross-City dataset at https://yihsinchen.github.io/'
    'segmentation_adaptation_dataset/ and extract the city folders (Rome/, '
    "Rio/, Tokyo/, Taipei/) under data/crosscity (see README 'Prepare "
    "datasets')")


@DATASETS.register_module()
class CrossCityDataset(SkipUnreadableMixin, BaseSegDataset):
    """One city of the NTHU Cross-City dataset, with its 13 classes.

    Layout::

        data/crosscity/{Rome,Rio,Tokyo,Taipei}
        ├── Images/Train/*.png         (3,200 unlabeled)
        ├── Images/Test/*.png          (100 labeled)
        └── Labels/Test/*_eval.png     (Cityscapes labelIds)

    Class ids are the 13 Cityscapes classes Cross-City labels, numbered
    contiguously (``CROSSCITY_CLASSES``). Load test labels with
    ``dict(type='LoadUDAAnnotations', label_mapping='crosscity')``, or run
    ``tools/dataset_converters/crosscity.py`` once and use
    ``seg_map_suffix='_eval_labelTrainIds.png'``.

    Args:
        city (str): 'Rome', 'Rio', 'Tokyo' or 'Taipei'. Defaults to 'Rome'.
        split (str): 'train' (unlabeled images) or 'test' (labeled).
            Defaults to 'test'.
        data_prefix (dict, optional): Overrides the folders derived from
            ``city`` and ``split``. Defaults to None.
        img_suffix (str): Image suffix. Defaults to '.png'.
        seg_map_suffix (str): Label suffix. Defaults to '_eval.png'.
        skip_unpaired (bool): Drop (and log) images without a label instead
            of raising. Defaults to False.
        skip_unreadable (bool): In training, skip samples whose image or
            label file is unreadable (empty, truncated, damaged) with a
            warning that names the file and counts the skipped samples,
            instead of stopping. Other loading errors are still raised.
            Defaults to False.
        **kwargs: Other arguments of ``BaseSegDataset``.
    """
    CITIES = ('Rome', 'Rio', 'Tokyo', 'Taipei')
    #: ``load_data_list`` names missing or empty folders and split files
    #: with the download hint (``dataset_checks`` leaves them to it).
    CHECKS_OWN_FILES = True
    METAINFO = dict(
        classes=CROSSCITY_CLASSES,
        palette=[CityscapesDataset.METAINFO['palette'][i] for i in SUBSET_13])

    def __init__(self,
                 city: str = 'Rome',
                 split: str = 'test',
                 data_prefix: Optional[dict] = None,
                 img_suffix: str = '.png',
                 seg_map_suffix: str = '_eval.png',
                 skip_unpaired: bool = False,
                 skip_unreadable: bool = False,
                 **kwargs) -> None:
        if city not in self.CITIES:
            raise ValueError(f'Unknown Cross-City city {city!r}: use one of '
                             f'{self.CITIES}.')
        if split not in ('train', 'test'):
            raise ValueError(f"Cross-City split must be 'train' (unlabeled) "
                             f"or 'test' (labeled), got {split!r}.")
        if data_prefix is None:
            data_prefix = dict(img_path=f'{city}/Images/{split.title()}')
            if split == 'test':
                data_prefix['seg_map_path'] = f'{city}/Labels/Test'
        self.city = city
        self.split = split
        self.skip_unpaired = skip_unpaired
        super().__init__(
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            data_prefix=data_prefix,
            **kwargs)
        self._init_skip_unreadable(skip_unreadable, 'CrossCityDataset')

    def load_data_list(self) -> list:
        """List the images (and test labels), checking that they exist."""
        return load_seg_data_list(self, f'Cross-City {self.city}',
                                  CROSSCITY_PREPARE_HINT, self.skip_unpaired)
