"""Which transforms of a dataset pipeline load labels or augment.

One rule set, used wherever a tool or hook reuses a config's pipeline for
something else than training (inference, pseudo labelling, analysis):

- a transform is named by its registered type without a scope
  (``'mmseg.LoadAnnotations'`` is ``LoadAnnotations``);
- a *label loader* is every ``Load*`` transform that does not load the
  image (``Load*ImageFromFile``): :data:`LABEL_LOADERS` (hard label maps)
  and the others, e.g. ``LoadSoftPseudoLabel``;
- a *random augmentation* is every transform whose name contains
  ``Random`` (``RandomFlip``, ``RandomCrop``, ``RandomResize``, ...) and
  those in :data:`RANDOM_AUGMENTATIONS` (``PhotoMetricDistortion``, ...);
- everything else (image loading, ``Resize``, packing) is kept.
"""
import copy
from typing import Any, List, Optional, Sequence

#: Transforms that load a hard label map into ``gt_seg_map``.
LABEL_LOADERS = ('LoadUDAAnnotations', 'LoadAnnotations')
#: Random augmentations whose name does not contain ``Random``.
RANDOM_AUGMENTATIONS = ('PhotoMetricDistortion', 'BioMedicalGaussianNoise',
                        'BioMedicalGaussianBlur')


def transform_name(transform: Any) -> str:
    """The type name of a transform config (or of a built transform)."""
    kind = transform.get('type') if isinstance(transform, dict) else type(
        transform)
    if isinstance(kind, type):
        return kind.__name__
    return str(kind).split('.')[-1]


def is_label_loader(transform: Any) -> bool:
    """Whether ``transform`` loads labels (any kind, see module doc)."""
    name = transform_name(transform)
    return name.startswith('Load') and not name.endswith('ImageFromFile')


def is_random_augmentation(transform: Any) -> bool:
    """Whether ``transform`` is a random augmentation (see module doc)."""
    name = transform_name(transform)
    return 'Random' in name or name in RANDOM_AUGMENTATIONS


def filter_pipeline(pipeline: Sequence[dict],
                    labels: bool = True,
                    augmentations: bool = True) -> List[dict]:
    """A copy of ``pipeline`` without label loaders and/or augmentations.

    Args:
        pipeline (Sequence[dict]): Transform configs.
        labels (bool): Keep the label loaders. Defaults to True.
        augmentations (bool): Keep the random augmentations. Defaults to
            True.

    Returns:
        list[dict]: Deep copies of the kept transforms, in order.
    """
    return [
        copy.deepcopy(transform) for transform in pipeline
        if (labels or not is_label_loader(transform)) and (
            augmentations or not is_random_augmentation(transform))
    ]


def find_label_loader(pipeline: Sequence[Any]) -> Optional[Any]:
    """The first transform of ``pipeline`` in :data:`LABEL_LOADERS`."""
    for transform in pipeline:
        if transform_name(transform) in LABEL_LOADERS:
            return transform
    return None
