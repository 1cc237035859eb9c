"""How well LDR's reconstruction network draws images from their labels.

For every image of a labelled dataset (default: the config's
``source_val_dataset``) the one-hot label map goes through the trained M
of a ``LabelReconstructor`` checkpoint (LDR's pre-training, or the
``reconstructor`` of an LDR checkpoint with its config) and the result is
compared with the real image:

- ``l1``: mean absolute RGB difference in [0, 255] over the labelled pixels;
- ``perceptual``: the config's VGG perceptual loss (``perceptual_loss``;
  random VGG weights on the toy benchmark), when it has one;
- ``mIoU`` (with ``--segmentor CONFIG CHECKPOINT``): how well a trained
  segmentation model (e.g. the source-only model) recovers the labels from
  the images, pix2pix's "FCN score"; given for the real images too.

The same numbers are given for a baseline that knows the labels but has
learnt nothing about images: every pixel painted with the mean colour of
its class over the same dataset (computed in a first pass). A
reconstruction network that learnt to draw the classes beats it clearly.

Images and labels go through the config's training pipeline without its
random transforms (flip, crop), so both have the size M was trained at.

Example::

    python tools/analysis_tools/reconstruction_distance.py \\
        configs/ldr/ldr_recon-pretrain_toy-gta5.py \\
        work_dirs/ldr_recon-pretrain_toy-gta5/iter_1000.pth
"""
import argparse
import json
from typing import Dict, List, Optional

import torch
from mmengine.config import Config, DictAction
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmseg.registry import MODELS

import mmseg_uda  # noqa: F401  (registers the plugin)
from mmseg_uda.apis import build_dataset, init_segmentor
from mmseg_uda.models import LabelReconstructor
from mmseg_uda.models.utils import one_hot_label_map
from mmseg_uda.models.utils.pixel_normalisation import images_to_inputs


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Distance of reconstructions from labels to the images')
    parser.add_argument('config', help='LabelReconstructor or LDR config')
    parser.add_argument('checkpoint', help='its checkpoint')
    parser.add_argument(
        '--dataset',
        default='source_val_dataset',
        help='config variable of the labelled dataset to reconstruct')
    parser.add_argument(
        '--segmentor',
        nargs=2,
        metavar=('CONFIG', 'CHECKPOINT'),
        help='a segmentation model that scores the images (mIoU against '
        'the labels)')
    parser.add_argument(
        '--max-images', type=int, help='use at most this many images')
    parser.add_argument('--out', help='write the results to this json file')
    parser.add_argument(
        '--device',
        default='cuda' if torch.cuda.is_available() else 'cpu',
        help='device to run on')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help='override')
    return parser.parse_args(argv)


def training_pipeline(cfg: Config) -> list:
    """The training pipeline of the config (random transforms are left out
    when the dataset is built)."""
    dataset = cfg.train_dataloader.dataset
    dataset = dataset.get('source', dataset)  # a UDADataset: the source
    return dataset.pipeline


class Reconstructions:
    """Label maps -> M's images for a config's (pre-training or LDR) model.
    """

    def __init__(self, cfg: Config, checkpoint: str, device: str) -> None:
        model = MODELS.build(cfg.model)
        if not hasattr(model, 'reconstructor'):
            raise TypeError(
                f'{type(model).__name__} has no reconstruction network; pass '
                'a LabelReconstructor (configs/ldr/ldr_recon-pretrain_*.py) '
                'or an LDR config.')
        load_checkpoint(model, checkpoint, map_location='cpu', strict=False)
        self.model = model.to(device).eval()
        self.device = device
        self.num_classes = model.num_classes
        # the VGG term of the pix2pixHD losses (LabelReconstructionLoss)
        self.perceptual = getattr(
            getattr(model, 'reconstruction_loss', None), 'perceptual_loss',
            None)
        if isinstance(model, LabelReconstructor):
            self.to_image = lambda inputs: inputs
        else:  # an LDR model: its inputs are the segmentor's
            self.to_image = model.to_image

    @torch.no_grad()
    def batch(self, data: dict) -> tuple:
        """Real images, labels (N, H, W) and reconstructions, [-1, 1]."""
        data = self.model.data_preprocessor(data, False)
        real = self.to_image(data['inputs'].to(self.device).float())
        labels = torch.stack([
            s.gt_sem_seg.data for s in data['data_samples']
        ]).to(self.device).squeeze(1)
        cond = one_hot_label_map(labels, self.num_classes)
        return real, labels, self.model.reconstructor(cond)


def class_mean_image(labels: torch.Tensor,
                     means: torch.Tensor) -> torch.Tensor:
    """Paint each pixel with its class's mean colour, RGB in [-1, 1]."""
    safe = labels.clamp(max=means.shape[0] - 1)
    image = means[safe].permute(0, 3, 1, 2)
    return image / 127.5 - 1.


class SegmentationScore:
    """Confusion matrices of a segmentor's predictions on RGB [-1, 1] images.
    """

    def __init__(self, config: str, checkpoint: str, device: str,
                 num_classes: int) -> None:
        self.model = init_segmentor(Config.fromfile(config), checkpoint,
                                    device)
        self.num_classes = num_classes
        self.confusion: Dict[str, torch.Tensor] = {}

    @torch.no_grad()
    def add(self, name: str, images: torch.Tensor,
            labels: torch.Tensor) -> None:
        inputs = images_to_inputs((images + 1.) * 127.5,
                                  self.model.data_preprocessor, 'rgb')
        metas = [
            dict(img_shape=inputs.shape[2:], ori_shape=inputs.shape[2:])
        ] * len(inputs)
        pred = self.model.encode_decode(inputs, metas).argmax(1)
        valid = labels != 255
        index = labels[valid] * self.num_classes + pred[valid]
        counts = torch.bincount(index, minlength=self.num_classes**2)
        matrix = counts.view(self.num_classes, self.num_classes).cpu()
        self.confusion[name] = self.confusion.get(name, 0) + matrix

    def miou(self, name: str) -> float:
        """Mean IoU (%) over the classes that occur in the labels."""
        matrix = self.confusion[name].double()
        present = matrix.sum(1) > 0
        iou = matrix.diag() / (matrix.sum(0) + matrix.sum(1) - matrix.diag())
        return float(100 * iou[present].mean())


def measure(args: argparse.Namespace) -> Dict[str, Dict[str, float]]:
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    dataset = build_dataset(
        cfg, args.dataset, pipeline=training_pipeline(cfg))
    indices = range(len(dataset))[:args.max_images]
    rec = Reconstructions(cfg, args.checkpoint, args.device)

    # pass 1: mean colour of every class (RGB, [0, 255])
    sums = torch.zeros(rec.num_classes, 3, device=rec.device)
    counts = torch.zeros(rec.num_classes, device=rec.device)
    for index in indices:
        real, labels, _ = rec.batch(pseudo_collate([dataset[index]]))
        pixels = ((real + 1.) * 127.5).permute(0, 2, 3, 1)
        valid = labels != 255
        sums.index_add_(0, labels[valid], pixels[valid])
        counts.index_add_(0, labels[valid],
                          torch.ones_like(labels[valid], dtype=torch.float))
    means = sums / counts.clamp(min=1).unsqueeze(1)

    # pass 2: distances of M's images and of the class-mean images
    score = None
    if args.segmentor:
        score = SegmentationScore(*args.segmentor, rec.device,
                                  rec.num_classes)
    totals = {k: dict(l1=0., perceptual=0.) for k in ('M', 'class_mean')}
    pixels_seen = 0
    for index in indices:
        real, labels, fake = rec.batch(pseudo_collate([dataset[index]]))
        valid = (labels != 255).unsqueeze(1)
        images = dict(M=fake, class_mean=class_mean_image(labels, means))
        for name, image in images.items():
            diff = ((image - real).abs() * 127.5 * valid).sum()
            totals[name]['l1'] += float(diff) / 3
            if rec.perceptual is not None:
                totals[name]['perceptual'] += float(
                    rec.perceptual(image, real))
        if score is not None:
            for name, image in dict(images, real=real).items():
                score.add(name, image, labels)
        pixels_seen += int(valid.sum())
    results = {}
    for name, total in totals.items():
        results[name] = dict(l1=total['l1'] / max(pixels_seen, 1))
        if rec.perceptual is not None:
            results[name]['perceptual'] = total['perceptual'] / len(indices)
    if score is not None:
        results['real'] = {}
        for name in results:
            results[name]['mIoU'] = score.miou(name)
    return results


def main(argv: Optional[List[str]] = None) -> Dict[str, Dict[str, float]]:
    args = parse_args(argv)
    results = measure(args)
    print(f'{args.dataset} of {args.config}: distance to the real images')
    print('| images | L1 (RGB, 0-255) | perceptual | mIoU of the segmentor |')
    print('| --- | --- | --- | --- |')
    for name, values in results.items():
        cells = [
            f'{values[key]:{fmt}}' if key in values else '-'
            for key, fmt in (('l1', '.2f'), ('perceptual', '.4f'),
                             ('mIoU', '.2f'))
        ]
        print(f'| {name} | ' + ' | '.join(cells) + ' |')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(results, f, indent=2)
    return results


if __name__ == '__main__':
    main()
