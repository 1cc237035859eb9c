"""Models and datasets of a config, for tools that run outside the runner."""
import copy
from typing import Optional, Sequence

import torch
from mmengine.config import Config
from mmengine.dataset import BaseDataset
from mmseg.models.segmentors import BaseSegmentor
from mmseg.registry import DATASETS, MODELS

from ..datasets.transforms.pipeline_filter import filter_pipeline
from ..engine.pseudo_labels import build_inference_dataset
from ..models.uda import BaseUDASegmentor
from ..models.utils import load_segmentor_checkpoint


def init_segmentor(cfg: Config,
                   checkpoint: str,
                   device: Optional[str] = None) -> BaseSegmentor:
    """The stock segmentor of ``cfg.model`` with ``checkpoint``, in eval mode.

    Plain mmseg and UDA checkpoints both load into plain and UDA configs:
    of a UDA model only the stock segmentor predicts.

    Args:
        cfg (Config): A config whose ``model`` is a stock mmseg segmentor or
            a UDA model.
        checkpoint (str): A plain mmseg or a UDA checkpoint.
        device (str, optional): Where to put the model. Defaults to the
            current GPU if there is one, else the CPU.

    Returns:
        BaseSegmentor: The segmentor.
    """
    model = MODELS.build(cfg.model)
    if isinstance(model, BaseUDASegmentor):
        model = model.model
    load_segmentor_checkpoint(model, checkpoint)
    if device is None and torch.cuda.is_available():
        device = f'cuda:{torch.cuda.current_device()}'
    if device is not None:
        model = model.to(device)
    return model.eval()


def get_dataset_cfg(cfg: Config, key: str) -> dict:
    """The dataset config at ``key`` (a variable or a dotted path)."""
    node = cfg
    for part in key.split('.'):
        try:
            node = node[part]
        except (KeyError, TypeError):
            raise KeyError(
                f'The config has no `{key}`. Name a dataset variable of '
                'the config (e.g. source_train_dataset, '
                'target_train_dataset, target_val_dataset) or a dotted path '
                '(e.g. train_dataloader.dataset.source).') from None
    if not isinstance(node, dict) or 'type' not in node:
        raise TypeError(f'`{key}` in the config is not a dataset config.')
    return node


def build_dataset(cfg: Config,
                  key: str,
                  pipeline: Optional[Sequence[dict]] = None,
                  labels: bool = True,
                  augmentations: bool = False) -> BaseDataset:
    """The dataset at ``key`` of ``cfg``, read deterministically.

    The pipeline (the dataset's own unless ``pipeline`` is given) goes
    through :func:`~mmseg_uda.datasets.transforms.pipeline_filter.
    filter_pipeline`: random augmentations are dropped by default, so every
    read of a sample gives the same result.

    Args:
        cfg (Config): The config.
        key (str): A dataset variable or dotted path (see
            :func:`get_dataset_cfg`).
        pipeline (Sequence[dict], optional): Transforms to read the samples
            with instead of the dataset's own (e.g. ``cfg.test_pipeline``).
        labels (bool): Keep the label loaders. Without them the dataset is
            built unlabelled (``data_prefix.seg_map_path`` dropped, so the
            labels need not exist). Defaults to True.
        augmentations (bool): Keep the random augmentations. Defaults to
            False.

    Returns:
        BaseDataset: The built dataset.
    """
    dataset_cfg = get_dataset_cfg(cfg, key)
    if pipeline is None:
        pipeline = dataset_cfg.get('pipeline', [])
    pipeline = filter_pipeline(
        pipeline, labels=labels, augmentations=augmentations)
    if not labels:
        return build_inference_dataset(dataset_cfg, pipeline)
    dataset_cfg = copy.deepcopy(dataset_cfg)
    dataset_cfg['pipeline'] = pipeline
    return DATASETS.build(dataset_cfg)
