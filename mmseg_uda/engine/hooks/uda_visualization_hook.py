"""Show what a UDA model sees and predicts during training."""
from typing import Dict, List, Optional

import numpy as np
import torch
import torch.nn as nn
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.models.segmentors import BaseSegmentor
from mmseg.registry import HOOKS
from mmseg.structures import SegDataSample
from torch import Tensor

from ...models.utils.pixel_normalisation import inputs_to_images

#: Domains of a ``UDADataset`` batch, in display order.
UDA_DOMAINS = ('source', 'target')


@HOOKS.register_module()
class UDAVisualizationHook(Hook):
    """Every ``interval`` iterations, draw the current training batch.

    For each domain of the batch (``source`` and ``target`` of a
    ``UDADataset``; a plain batch is shown as ``train``) and each of its
    first ``max_images`` samples, one image ``train_<domain>`` goes to every
    backend of the runner's visualizer (``visualizer.vis_backends``: local
    files, TensorBoard, ...). It holds, side by side: the input as the
    model sees it (after the training augmentations), its label (source
    ground truth, or the target pseudo label when the target pipeline loads
    one) and the model's prediction, made here with ``torch.no_grad`` by
    the unwrapped model in eval mode (models that cannot predict, such as a
    bare translator, show no prediction panel). Models with a translator
    get ``train_<domain>_translated``: input and translation.

    Translation contract (that of ``CycleGANTranslator``): the model's
    ``translate(inputs)`` takes a batch normalised by its
    ``data_preprocessor`` and returns the translated images in the same
    normalisation, which the hook undoes for display. The translated domain
    is ``translate_domain``, by default the ``X`` of the model's
    ``direction='X_to_Y'`` and otherwise ``'source'``. Inputs are taken to
    be BGR as ``LoadImageFromFile`` reads them.

    Args:
        interval (int): Training iterations between two drawings.
            Default: 500.
        max_images (int): Samples drawn per domain. Default: 1.
        translate_domain (str, optional): The domain ``translate``
            expects. Default: from the model's ``direction``, else
            ``'source'``.
        with_labels (bool): Write class names on the segments. Default:
            False.
    """

    priority = 'LOW'

    def __init__(self,
                 interval: int = 500,
                 max_images: int = 1,
                 translate_domain: Optional[str] = None,
                 with_labels: bool = False) -> None:
        if interval <= 0 or max_images <= 0:
            raise ValueError('interval and max_images must be positive, got '
                             f'{interval} and {max_images}.')
        if translate_domain not in UDA_DOMAINS + (None, ):
            raise ValueError(f'translate_domain must be one of {UDA_DOMAINS}, '
                             f'got {translate_domain!r}.')
        self.interval = interval
        self.max_images = max_images
        self.translate_domain = translate_domain
        self.with_labels = with_labels

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        if (data_batch is None or not is_main_process()
                or not self.every_n_train_iters(runner, self.interval)):
            return
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        visualizer = runner.visualizer
        self._check_meta(runner, visualizer)
        step = runner.iter + 1
        was_training = model.training
        model.eval()
        try:
            with torch.no_grad():
                for domain, batch in self._domains(data_batch).items():
                    self._draw_domain(model, visualizer, domain, batch, step)
        finally:
            model.train(was_training)

    @staticmethod
    def _domains(data_batch: dict) -> Dict[str, dict]:
        if all(domain in data_batch for domain in UDA_DOMAINS):
            return {domain: data_batch[domain] for domain in UDA_DOMAINS}
        return {'train': data_batch}

    @staticmethod
    def _check_meta(runner, visualizer) -> None:
        meta = getattr(visualizer, 'dataset_meta', None) or {}
        if meta.get('classes') and meta.get('palette'):
            return
        dataset = runner.train_dataloader.dataset
        dataset_meta = getattr(dataset, 'metainfo', None) or {}
        if not dataset_meta.get('classes'):
            target = getattr(dataset, 'target_dataset', None)
            dataset_meta = getattr(target, 'metainfo', None) or {}
        visualizer.set_dataset_meta(
            classes=dataset_meta.get('classes'),
            palette=dataset_meta.get('palette'))

    def _draw_domain(self, model: nn.Module, visualizer, domain: str,
                     batch: dict, step: int) -> None:
        num = min(self.max_images, len(batch['inputs']))
        inputs = list(batch['inputs'][:num])
        samples = batch['data_samples'][:num]
        predictions = None
        if isinstance(model, BaseSegmentor):
            predictions = model.test_step(
                dict(inputs=inputs, data_samples=self._plain_samples(inputs)))
        translated = self._translate(model, domain, inputs)
        for i in range(num):
            image = self._to_rgb(inputs[i])
            suffix = f'_{i}' if num > 1 else ''
            panels = [image]
            if 'gt_sem_seg' in samples[i]:
                panels.append(
                    self._draw(visualizer, image, samples[i].gt_sem_seg))
            if predictions is not None:
                panels.append(
                    self._draw(visualizer, image, predictions[i].pred_sem_seg))
            if len(panels) > 1:
                visualizer.add_image(f'train_{domain}{suffix}',
                                     np.concatenate(panels, axis=1), step)
            if translated is not None:
                visualizer.add_image(
                    f'train_{domain}_translated{suffix}',
                    np.concatenate([image, translated[i]], axis=1), step)

    @staticmethod
    def _plain_samples(inputs: List[Tensor]) -> List[SegDataSample]:
        """Metainfo for a prediction at the size of the training crop."""
        samples = []
        for img in inputs:
            shape = tuple(img.shape[-2:])
            sample = SegDataSample()
            sample.set_metainfo(
                dict(img_shape=shape, ori_shape=shape, pad_shape=shape))
            samples.append(sample)
        return samples

    def _draw(self, visualizer, image: np.ndarray, sem_seg) -> np.ndarray:
        meta = visualizer.dataset_meta
        return visualizer._draw_sem_seg(image, sem_seg, meta['classes'],
                                        meta['palette'], self.with_labels)

    @staticmethod
    def _to_rgb(img: Tensor) -> np.ndarray:
        """A BGR ``(3, H, W)`` input as an RGB ``(H, W, 3)`` uint8 array."""
        img = img.detach().cpu().clamp(0, 255).to(torch.uint8)
        return np.ascontiguousarray(img.permute(1, 2, 0).numpy()[..., ::-1])

    def _translated_domain(self, model: nn.Module) -> Optional[str]:
        if not callable(getattr(model, 'translate', None)):
            return None
        if self.translate_domain is not None:
            return self.translate_domain
        direction = getattr(model, 'direction', None)
        if isinstance(direction, str) and '_to_' in direction:
            return direction.split('_to_')[0]
        return 'source'

    def _translate(self, model: nn.Module, domain: str,
                   inputs: List[Tensor]) -> Optional[List[np.ndarray]]:
        if self._translated_domain(model) != domain:
            return None
        preprocessor = model.data_preprocessor
        normalised = preprocessor(dict(inputs=inputs), False)['inputs']
        translated = inputs_to_images(
            model.translate(normalised).detach(),
            preprocessor,
            channel_order='rgb')
        images = translated.cpu().permute(0, 2, 3, 1).numpy()
        return [np.ascontiguousarray(image) for image in images]
