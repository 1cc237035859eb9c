"""tools/analysis_tools/self_training_curve.py and its library
(``mmseg_uda.apis.self_training_diagnosis``) on the tiny toy benchmark."""
import copy
import json
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmseg.registry import MODELS
from uda_test_utils import REPO_ROOT, load_tool

from mmseg_uda.apis import build_dataset
from mmseg_uda.apis.self_training_diagnosis import (
    PseudoLabelStatistics, build_labelled_dataset, build_self_training_model,
    find_checkpoints, label_folder_like, labelled_dataset_cfg,
    load_self_training_checkpoint, make_loader, pseudo_label_statistics)
from mmseg_uda.datasets.transforms.pipeline_filter import transform_name
from mmseg_uda.models.utils.segmentor_checkpoint import CheckpointMismatchError

CONFIG = osp.join(REPO_ROOT, 'configs', 'dacs', 'dacs_r18_toy-gta2cs.py')
ROAD, BUILDING, SKY = 0, 2, 10


@pytest.fixture(scope='module')
def cfg():
    return Config.fromfile(CONFIG)


def predict_constant(segmentor, class_id):
    """Make the decode head predict ``class_id`` everywhere, confidently."""
    with torch.no_grad():
        for conv in segmentor.decode_head.aspp_branches:
            conv.weight.zero_()
            conv.bias.zero_()
            conv.bias[class_id] = 10.  # 4 branches: logit 40 vs 0


def save(model, path, iteration):
    torch.save(
        dict(state_dict=model.state_dict(), meta=dict(iter=iteration)), path)
    return str(path)


@pytest.fixture(scope='module')
def work_dir(cfg, tmp_path_factory):
    """iter_3: teacher sky, student road; iter_20: teacher road, student
    building (decode heads that predict one class)."""
    root = tmp_path_factory.mktemp('dacs_run')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    for iteration, teacher, student in ((20, ROAD, BUILDING), (3, SKY, ROAD)):
        predict_constant(model.teacher.model, teacher)
        predict_constant(model.model, student)
        save(model, root / f'iter_{iteration}.pth', iteration)
    (root / 'last_checkpoint').write_text(str(root / 'iter_20.pth'))
    return str(root)


def test_statistics_of_a_hand_computed_batch():
    stats = PseudoLabelStatistics(num_classes=3, ignore_index=255)
    gt = torch.tensor([[[0, 1, 255], [1, 1, 2]]])
    pseudo = torch.tensor([[[0, 1, 1], [0, 1, 1]]])
    confident = torch.tensor([[[True, False, True], [True, True, False]]])
    stats.update(pseudo, confident, gt, torch.tensor([0.5]))
    result = stats.compute()
    # labelled: 5 pixels; right: (0,0), (0,1), (1,1)
    assert result['acc'] == pytest.approx(3 / 5)
    # confident labelled: (0,0) right, (1,0) wrong, (1,1) right
    assert result['acc_confident'] == pytest.approx(2 / 3)
    assert result['acc_rest'] == pytest.approx(1 / 2)
    assert result['confident_share'] == pytest.approx(3 / 5)
    # IoU road 1/2, sidewalk 2/4, building 0/1
    assert result['IoU'] == pytest.approx([50., 50., 0.])
    assert result['mIoU'] == pytest.approx(100. / 3)
    assert result['quality'] == 0.5
    # a second batch: padding (valid False) is not counted; quality is the
    # mean over images
    stats.update(
        torch.tensor([[[2, 2]], [[2, 0]]]),
        torch.ones(2, 1, 2, dtype=torch.bool),
        torch.tensor([[[2, 2]], [[2, 2]]]),
        torch.tensor([1., 1.]),
        valid=torch.tensor([[[True, True]], [[True, False]]]))
    result = stats.compute()
    assert result['labelled_pixels'] == 8 and result['images'] == 3
    assert result['acc'] == pytest.approx(6 / 8)
    assert result['acc_confident'] == pytest.approx(5 / 6)
    assert result['IoU'] == pytest.approx([50., 50., 75.])
    assert result['quality'] == pytest.approx(2.5 / 3)


def test_statistics_without_pixels_are_none():
    result = PseudoLabelStatistics(2).compute()
    assert result['acc'] is None and result['mIoU'] is None
    assert result['IoU'] == [None, None] and result['quality'] is None


def test_label_folder_is_derived_from_the_validation_set(cfg):
    assert label_folder_like('leftImg8bit/train', 'leftImg8bit/val',
                             'gtFine/val') == 'gtFine/train'
    assert label_folder_like('images/train/a', 'images/val',
                             'labels/val') == 'labels/train/a'
    assert label_folder_like('rgb/train', 'leftImg8bit/val',
                             'gtFine/val') is None
    dataset = labelled_dataset_cfg(cfg)
    assert dataset['data_prefix'] == dict(
        img_path='leftImg8bit/train', seg_map_path='gtFine/train')
    assert dataset['seg_map_suffix'] == '_gtFine_labelIds.png'
    # labels loaded before the resize; no random flip
    assert [transform_name(t) for t in dataset['pipeline']] == [
        'LoadImageFromFile', 'LoadUDAAnnotations', 'Resize', 'PackSegInputs'
    ]
    assert dataset['pipeline'][1]['label_mapping'] == 'cityscapes'
    assert labelled_dataset_cfg(
        cfg,
        seg_map_path='/labels')['data_prefix']['seg_map_path'] == ('/labels')
    no_rule = copy.deepcopy(cfg)
    no_rule.val_dataloader.dataset.data_prefix = dict(img_path='x')
    with pytest.raises(ValueError, match='--target-train-labels'):
        labelled_dataset_cfg(no_rule)


def test_checkpoints_are_sorted_by_iteration(tmp_path):
    for name in ('iter_100.pth', 'iter_20.pth', 'iter_3.pth',
                 'best_mIoU_iter_20.pth', 'iter_5.pth.tmp', 'last_checkpoint'):
        (tmp_path / name).write_bytes(b'')
    other = tmp_path / 'other'
    other.mkdir()
    (other / 'final.pth').write_bytes(b'')
    found = find_checkpoints([
        str(other / 'final.pth'),
        str(tmp_path),
        str(tmp_path / 'iter_3.pth')
    ])
    assert found == [(3, str(tmp_path / 'iter_3.pth')),
                     (20, str(tmp_path / 'iter_20.pth')),
                     (100, str(tmp_path / 'iter_100.pth')),
                     (None, str(other / 'final.pth'))]
    with pytest.raises(FileNotFoundError, match='No checkpoint'):
        find_checkpoints([str(other)])
    with pytest.raises(FileNotFoundError, match='neither'):
        find_checkpoints([str(tmp_path / 'missing')])


def test_checkpoint_without_teacher_is_refused(cfg, tmp_path):
    model = build_self_training_model(cfg)
    state = {
        k: v
        for k, v in model.state_dict().items() if not k.startswith('teacher.')
    }
    path = str(tmp_path / 'student_only.pth')
    torch.save(dict(state_dict=state), path)
    with pytest.raises(CheckpointMismatchError, match='teacher.model'):
        load_self_training_checkpoint(model, path)


def gt_batches(model, loader):
    """The preprocessed ground truth of every batch, in loader order."""
    return [
        torch.stack([
            s.gt_sem_seg.data[0]
            for s in model.data_preprocessor(batch, True)['data_samples']
        ]) for batch in loader
    ]


def test_teacher_with_ground_truth_or_uniform_logits(cfg, toy_workspace,
                                                     monkeypatch):
    monkeypatch.chdir(toy_workspace)
    model = build_self_training_model(cfg)
    loader = make_loader(build_labelled_dataset(cfg), batch_size=4)
    gts = gt_batches(model, loader)
    assert len(gts) == 2 and gts[0].shape == (4, 64, 128)
    labelled = torch.cat(gts) != 255
    road_share = float((torch.cat(gts) == ROAD).sum() / labelled.sum())

    # confident one-hot logits of the ground truth (ignored pixels: road)
    queue = list(gts)

    def ground_truth_teacher(inputs):
        gt = queue.pop(0)
        one_hot = F.one_hot(torch.where(gt == 255, 0, gt), 19)
        return 20. * one_hot.permute(0, 3, 1, 2).float()

    monkeypatch.setattr(model.teacher, 'forward', ground_truth_teacher)
    stats = pseudo_label_statistics(model, loader)['teacher']
    assert stats['acc'] == 1. and stats['mIoU'] == 100.
    assert stats['quality'] == 1. and stats['acc_confident'] == 1.
    assert stats['acc_rest'] is None and stats['images'] == 8
    assert stats['labelled_pixels'] == int(labelled.sum())

    # uniform logits: nothing confident, every pixel labelled road
    monkeypatch.setattr(model.teacher, 'forward',
                        lambda inputs: torch.zeros(len(inputs), 19, 64, 128))
    stats = pseudo_label_statistics(model, loader)['teacher']
    assert stats['quality'] == 0. and stats['acc_confident'] is None
    assert stats['acc'] == pytest.approx(road_share)
    assert stats['acc_rest'] == pytest.approx(road_share)


def constant_miou(dataset, class_id):
    """mIoU (%) of predicting ``class_id`` on every pixel of ``dataset``."""
    gt = torch.cat([
        dataset[i]['data_samples'].gt_sem_seg.data.flatten()
        for i in range(len(dataset))
    ])
    gt = gt[gt != 255]
    present = set(gt.tolist()) | {class_id}
    return 100. * float((gt == class_id).float().mean()) / len(present)


def test_tool_reads_student_and_teacher_of_every_checkpoint(
        cfg, toy_workspace, work_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(toy_workspace)
    out = str(tmp_path / 'curve.json')
    summary = load_tool('analysis_tools/self_training_curve').main(
        [CONFIG, work_dir, '--student-pseudo-labels', '--out', out])
    with open(out) as f:
        assert json.load(f) == summary
    assert summary['threshold'] == 0.968
    assert summary['target_train']['images'] == 8
    assert summary['val_images'] == 4
    results = summary['checkpoints']
    assert [r['iteration'] for r in results] == [3, 20]

    train = build_labelled_dataset(cfg)
    gt = torch.cat([
        train[i]['data_samples'].gt_sem_seg.data.flatten()
        for i in range(len(train))
    ])
    gt = gt[gt != 255]

    def share(class_id):
        return float((gt == class_id).float().mean())

    val = build_dataset(cfg, 'val_dataloader.dataset')
    expected = {
        3: dict(teacher=SKY, student=ROAD),
        20: dict(teacher=ROAD, student=BUILDING)
    }
    for result in results:
        for role, class_id in expected[result['iteration']].items():
            stats = result[f'{role}_pseudo_labels']
            assert stats['acc'] == pytest.approx(share(class_id))
            assert stats['quality'] == 1. and stats['acc_rest'] is None
            assert stats['acc_confident'] == pytest.approx(share(class_id))
            assert result[role]['mIoU'] == pytest.approx(
                constant_miou(val, class_id), abs=0.01)
    # the classes were picked so that the numbers differ
    assert share(SKY) != share(ROAD) != share(BUILDING)


def test_missing_target_labels_are_reported(toy_workspace, work_dir, tmp_path,
                                            monkeypatch):
    monkeypatch.chdir(toy_workspace)
    with pytest.raises(
            FileNotFoundError, match='8 of the 8 images.*'
            '--target-train-labels'):
        load_tool('analysis_tools/self_training_curve').main([
            CONFIG,
            osp.join(work_dir, 'iter_3.pth'), '--target-train-labels',
            str(tmp_path / 'no_labels')
        ])
