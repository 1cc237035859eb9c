"""tools/analysis_tools/visualize_adaptation.py on the tiny toy benchmark."""
import glob
import os.path as osp

import mmcv
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmseg.datasets import CityscapesDataset
from tiny_checkpoints import save_untrained_checkpoint
from uda_test_utils import REPO_ROOT, load_tool

from mmseg_uda.apis import init_segmentor
from mmseg_uda.datasets import map_label_ids
from mmseg_uda.engine.pseudo_labels import (build_inference_dataset,
                                            inference_pipeline)

SOURCE_ONLY = osp.join(REPO_ROOT,
                       'configs/source_only/deeplabv2_r18_toy-gta2cs.py')
ADAPTSEGNET = osp.join(REPO_ROOT,
                       'configs/adaptsegnet/adaptsegnet_r18_toy-gta2cs.py')
PALETTE = np.array(CityscapesDataset.METAINFO['palette'] + [[255] * 3] *
                   (256 - 19), np.uint8)  # 255 (ignored) in white
W, H = 64, 32  # the toy_workspace images
HEADER, SPACING = 22, 4


tool = load_tool('analysis_tools/visualize_adaptation')


def panel(grid: np.ndarray, row: int, col: int) -> np.ndarray:
    y = HEADER + row * (H + SPACING)
    x = col * (W + SPACING)
    return grid[y:y + H, x:x + W]


@pytest.fixture(scope='module')
def checkpoints(tmp_path_factory):
    root = tmp_path_factory.mktemp('visualize_checkpoints')
    return (save_untrained_checkpoint(SOURCE_ONLY, str(root / 'src.pth'), 1),
            save_untrained_checkpoint(ADAPTSEGNET, str(root / 'ada.pth'), 2))


def val_images(workspace):
    return sorted(
        glob.glob(f'{workspace}/data/toy/cityscapes/leftImg8bit/val/*/*.png'))


def expected_prediction(config, checkpoint, index):
    cfg = Config.fromfile(config)
    model = init_segmentor(cfg, checkpoint)
    dataset = build_inference_dataset(cfg.test_dataloader.dataset,
                                      inference_pipeline(cfg.test_pipeline))
    with torch.no_grad():
        sample = model.test_step(pseudo_collate([dataset[index]]))[0]
    return sample.pred_sem_seg.data[0].numpy()


def test_grid_of_images_labels_and_predictions(toy_workspace, checkpoints,
                                               tmp_path, monkeypatch):
    monkeypatch.chdir(toy_workspace)
    source_ckpt, adapted_ckpt = checkpoints
    out = str(tmp_path / 'grid.png')
    tool.main([
        SOURCE_ONLY, source_ckpt, ADAPTSEGNET, adapted_ckpt, '--out', out,
        '--indices', '0', '3'
    ])
    grid = mmcv.imread(out, channel_order='rgb')
    assert grid.shape == (HEADER + 2 * (H + SPACING), 4 * W + 3 * SPACING, 3)
    images = val_images(toy_workspace)
    for row, index in enumerate([0, 3]):
        image = mmcv.imread(images[index], channel_order='rgb')
        np.testing.assert_array_equal(panel(grid, row, 0), image)
        label_path = images[index].replace('leftImg8bit/val',
                                           'gtFine/val').replace(
                                               '_leftImg8bit.png',
                                               '_gtFine_labelIds.png')
        gt = map_label_ids(
            mmcv.imread(label_path, flag='unchanged'), 'cityscapes')
        np.testing.assert_array_equal(panel(grid, row, 1), PALETTE[gt])
        for col, (config, ckpt) in enumerate([(SOURCE_ONLY, source_ckpt),
                                              (ADAPTSEGNET, adapted_ckpt)], 2):
            pred = expected_prediction(config, ckpt, index)
            np.testing.assert_array_equal(panel(grid, row, col), PALETTE[pred])
    # two differently initialised models predict differently
    assert not np.array_equal(panel(grid, 0, 2), panel(grid, 0, 3))


def test_pseudo_labels_and_translations(toy_workspace, checkpoints, tmp_path,
                                        monkeypatch):
    monkeypatch.chdir(toy_workspace)
    images = val_images(toy_workspace)
    img_dir = 'data/toy/cityscapes/leftImg8bit/val'
    pseudo_dir = tmp_path / 'pseudo'
    pseudo = np.zeros((H, W), np.uint8)
    pseudo[:, W // 2:] = 13  # car
    pseudo[:8] = 255  # ignored
    for path in images:
        rel = osp.relpath(path, osp.join(toy_workspace, img_dir))
        mmcv.imwrite(
            pseudo,
            str(pseudo_dir / rel.replace('_leftImg8bit.png', '_pseudo.png')))
    translated_root = tmp_path / 'translated'
    sources = sorted(glob.glob(f'{toy_workspace}/data/toy/gta5/images/*.png'))
    for path in sources:  # the "translation" inverts the colours
        mmcv.imwrite(255 - mmcv.imread(path),
                     str(translated_root / 'images' / osp.basename(path)))

    out = str(tmp_path / 'grid.png')
    tool.main([
        SOURCE_ONLY, checkpoints[0], ADAPTSEGNET, checkpoints[1], '--out', out,
        '--num-samples', '2', '--pseudo-label-dir',
        str(pseudo_dir), '--translated-root',
        str(translated_root)
    ])
    grid = mmcv.imread(out, channel_order='rgb')
    assert grid.shape[1] == 7 * W + 6 * SPACING
    for row in range(2):
        np.testing.assert_array_equal(panel(grid, row, 4), PALETTE[pseudo])
        source = mmcv.imread(sources[row], channel_order='rgb')
        np.testing.assert_array_equal(panel(grid, row, 5), source)
        np.testing.assert_array_equal(panel(grid, row, 6), 255 - source)
    assert (panel(grid, 0, 4)[:8] == 255).all()  # ignored pixels: white


def test_missing_pseudo_labels_say_how_to_make_them(toy_workspace, checkpoints,
                                                    tmp_path, monkeypatch):
    monkeypatch.chdir(toy_workspace)
    with pytest.raises(FileNotFoundError, match='tools/gen_pseudo_labels.py'):
        tool.main([
            SOURCE_ONLY, checkpoints[0], ADAPTSEGNET, checkpoints[1], '--out',
            str(tmp_path / 'grid.png'), '--pseudo-label-dir',
            str(tmp_path / 'none')
        ])


def test_sample_indices():
    assert tool.sample_indices(100, None, 4) == [0, 33, 66, 99]
    assert tool.sample_indices(3, None, 4) == [0, 1, 2]
    assert tool.sample_indices(10, [7, 2], 4) == [7, 2]
    with pytest.raises(IndexError, match='outside the dataset'):
        tool.sample_indices(10, [10], 4)
