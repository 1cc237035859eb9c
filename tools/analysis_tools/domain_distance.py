"""How far image sets are from a reference domain, in low-level statistics.

Every image is described by 8 appearance statistics: the mean and standard
deviation of each RGB channel, the mean HSV saturation and the mean absolute
Laplacian of the grey image (sharpness and noise). For each compared set
the tool reports, against the reference set:

- ``frechet``: the Frechet distance between Gaussians fitted to the
  statistics, each statistic standardised by the reference set (0 = same
  distribution);
- ``domain_acc``: the cross-validated accuracy of a logistic-regression
  domain classifier telling the set from the reference on the statistics
  (0.5 = indistinguishable, 1.0 = perfectly separable).

Example (did the translator move source images towards the target?)::

    python tools/analysis_tools/domain_distance.py \\
        data/toy/cityscapes/leftImg8bit/train \\
        data/toy/gta5/images data/toy_gta5_translated/images
"""
import argparse
import glob
import json
import os.path as osp
from typing import Dict, List, Optional

import cv2
import mmcv
import numpy as np
from mmengine.utils import track_parallel_progress, track_progress

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg')
FEATURE_NAMES = ('mean_r', 'mean_g', 'mean_b', 'std_r', 'std_g', 'std_b',
                 'saturation', 'laplacian')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Distance of image folders to a reference domain')
    parser.add_argument('reference', help='folder of reference images')
    parser.add_argument(
        'folders', nargs='+', help='folders of images to compare')
    parser.add_argument(
        '--max-images',
        type=int,
        help='use at most this many images per folder (sorted names)')
    parser.add_argument(
        '--folds', type=int, default=5, help='cross-validation folds')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument(
        '--nproc', type=int, default=1, help='processes reading images')
    parser.add_argument('--out', help='write the results to this json file')
    return parser.parse_args()


def list_images(folder: str, max_images: Optional[int] = None) -> List[str]:
    """Image files under ``folder`` (recursive, sorted)."""
    if not osp.isdir(folder):
        raise FileNotFoundError(f'Image folder not found: {folder}')
    paths = sorted(
        path
        for path in glob.glob(osp.join(folder, '**', '*'), recursive=True)
        if path.lower().endswith(IMAGE_SUFFIXES))
    if not paths:
        raise FileNotFoundError(
            f'No {"/".join(IMAGE_SUFFIXES)} images under {folder}.')
    return paths[:max_images]


def image_features(path: str) -> np.ndarray:
    """The 8 appearance statistics of one image (see module docstring)."""
    bgr = mmcv.imread(path, flag='color')
    rgb = bgr[..., ::-1].reshape(-1, 3).astype(np.float64)
    saturation = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)[..., 1].mean()
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY).astype(np.float64)
    laplacian = np.abs(cv2.Laplacian(grey, cv2.CV_64F)).mean()
    return np.concatenate([rgb.mean(0), rgb.std(0), [saturation, laplacian]])


def frechet_distance(feats: np.ndarray, ref: np.ndarray) -> float:
    """Frechet distance of Gaussian fits, standardised by ``ref``."""
    scale = ref.std(0) + 1e-8
    a, b = (feats - ref.mean(0)) / scale, (ref - ref.mean(0)) / scale
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)

    def sqrtm(mat: np.ndarray) -> np.ndarray:
        values, vectors = np.linalg.eigh(mat)
        return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T

    root_a = sqrtm(cov_a)
    cross = np.trace(sqrtm(root_a @ cov_b @ root_a))
    return float(((mu_a - mu_b)**2).sum() + np.trace(cov_a) + np.trace(cov_b) -
                 2 * cross)


def _fit_logistic(x: np.ndarray,
                  y: np.ndarray,
                  steps: int = 500,
                  lr: float = 0.5,
                  weight_decay: float = 1e-3) -> np.ndarray:
    """Weights (with bias last) of an L2-regularised logistic regression."""
    x = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x @ w))
        w -= lr * (x.T @ (p - y) / len(y) + weight_decay * w)
    return w


def domain_classifier_accuracy(feats: np.ndarray,
                               ref: np.ndarray,
                               folds: int = 5,
                               seed: int = 0) -> float:
    """Cross-validated accuracy of telling ``feats`` from ``ref``.

    Both sets are subsampled to the same size, so chance is 0.5.
    """
    rng = np.random.default_rng(seed)
    num = min(len(feats), len(ref))
    if num < folds:
        raise ValueError(
            f'{folds}-fold cross-validation needs at least {folds} images '
            f'per set, got {num}.')
    x = np.vstack([
        feats[rng.permutation(len(feats))[:num]],
        ref[rng.permutation(len(ref))[:num]]
    ])
    y = np.r_[np.zeros(num), np.ones(num)]
    order = rng.permutation(len(y))
    correct = 0
    for fold in np.array_split(order, folds):
        train = np.setdiff1d(order, fold)
        mean, std = x[train].mean(0), x[train].std(0) + 1e-8
        w = _fit_logistic((x[train] - mean) / std, y[train])
        logits = np.hstack([(x[fold] - mean) / std,
                            np.ones((len(fold), 1))]) @ w
        correct += int(((logits > 0) == y[fold]).sum())
    return correct / len(y)


def compare(reference: np.ndarray,
            feats: np.ndarray,
            folds: int = 5,
            seed: int = 0) -> Dict[str, float]:
    """All numbers of one compared set."""
    result = dict(
        num_images=len(feats),
        frechet=frechet_distance(feats, reference),
        domain_acc=domain_classifier_accuracy(feats, reference, folds, seed))
    result.update(zip(FEATURE_NAMES, feats.mean(0).tolist()))
    return result


def folder_features(folder: str, max_images: Optional[int],
                    nproc: int) -> np.ndarray:
    paths = list_images(folder, max_images)
    if nproc > 1:
        return np.stack(track_parallel_progress(image_features, paths, nproc))
    return np.stack(track_progress(image_features, paths))


def main() -> None:
    args = parse_args()
    reference = folder_features(args.reference, args.max_images, args.nproc)
    results = {
        args.reference: compare(reference, reference, args.folds, args.seed)
    }
    for folder in args.folders:
        feats = folder_features(folder, args.max_images, args.nproc)
        results[folder] = compare(reference, feats, args.folds, args.seed)
    header = ['folder', 'images', 'frechet', 'domain_acc'
              ] + list(FEATURE_NAMES)
    print('\nreference: ' + args.reference)
    print(' | '.join(header))
    for folder, res in results.items():
        print(' | '.join([folder, str(res['num_images'])] + [
            f'{res[name]:.3f}' if name in
            ('frechet', 'domain_acc') else f'{res[name]:.1f}'
            for name in header[2:]
        ]))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(
                dict(reference=args.reference, results=results), f, indent=2)


if __name__ == '__main__':
    main()
