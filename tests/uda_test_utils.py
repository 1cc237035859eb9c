"""Test helpers: fake UDA batches and a tiny segmentor config."""
import os.path as osp
from typing import Sequence, Tuple

import torch
from mmengine.config import ConfigDict
from mmengine.optim import OptimWrapperDict, build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmseg_uda  # noqa: F401  (registers the plugin)

# Build children such as SegDataPreProcessor from mmseg's registries, as a
# config with default_scope='mmseg' does.
init_default_scope('mmseg')

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def _domain_batch(batch_size: int, height: int, width: int, num_classes: int,
                  labelled: bool, generator: torch.Generator) -> dict:
    inputs, samples = [], []
    for _ in range(batch_size):
        inputs.append(
            torch.randint(0, 256, (3, height, width),
                          generator=generator).to(torch.uint8))
        sample = SegDataSample()
        sample.set_metainfo(
            dict(
                img_shape=(height, width),
                ori_shape=(height, width),
                pad_shape=(height, width)))
        if labelled:
            label = torch.randint(
                0, num_classes, (1, height, width), generator=generator)
            sample.gt_sem_seg = PixelData(data=label)
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def make_uda_batch(batch_size: int = 2,
                   size=(32, 64),
                   target_size=None,
                   num_classes: int = 19,
                   seed: int = 0) -> dict:
    """A ``dict(source=..., target=...)`` batch as the collate makes it."""
    generator = torch.Generator().manual_seed(seed)
    target_size = target_size or size
    return dict(
        source=_domain_batch(batch_size, *size, num_classes, True, generator),
        target=_domain_batch(batch_size, *target_size, num_classes, False,
                             generator))


def toy_segmentor_cfg() -> ConfigDict:
    """A tiny EncoderDecoder (ResNet-18 at 1/8 width) with a conv4 head."""
    norm_cfg = dict(type='GN', num_groups=4)
    head = dict(
        type='DeepLabV2Head',
        in_channels=64,
        in_index=3,
        dilations=(1, 2),
        num_classes=19,
        loss_decode=dict(type='CrossEntropyLoss', loss_weight=1.0))
    return ConfigDict(
        type='EncoderDecoder',
        data_preprocessor=dict(
            type='SegDataPreProcessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            bgr_to_rgb=True,
            pad_val=0,
            seg_pad_val=255,
            size_divisor=8),
        backbone=dict(
            type='ResNet',
            depth=18,
            stem_channels=8,
            base_channels=8,
            strides=(1, 2, 1, 1),
            dilations=(1, 1, 2, 4),
            norm_cfg=norm_cfg),
        decode_head=head,
        auxiliary_head=dict(
            head,
            in_channels=32,
            in_index=2,
            loss_decode=dict(type='CrossEntropyLoss', loss_weight=0.1)),
        train_cfg=dict(),
        test_cfg=dict(mode='whole'))


def build_adaptsegnet(
        segmentor_cfg: dict,
        levels: Sequence[str] = ('decode_head', 'auxiliary_head'),
        seg_lr: float = 0.01,
        disc_lr: float = 1e-3) -> Tuple[torch.nn.Module, OptimWrapperDict]:
    """A small AdaptSegNet and its optimizers, built as the runner does."""
    in_channels = dict(decode_head=19, auxiliary_head=19, features=64)
    model = MODELS.build(
        dict(
            type='AdaptSegNet',
            segmentor=segmentor_cfg,
            discriminator=dict(
                type='MultiLevelDiscriminator',
                discriminators={
                    level:
                    dict(
                        type='FCDiscriminator',
                        in_channels=in_channels.get(level, 19),
                        channels=(8, 16))
                    for level in levels
                }),
            adv_weights={level: 0.1
                         for level in levels}))
    model.init_weights()
    return model, build_uda_optim_wrapper(model, seg_lr, disc_lr)


def acm_segmentor_cfg(**head) -> ConfigDict:
    """The tiny segmentor with CIRN's ACMHead (K = 2) as decode head."""
    cfg = toy_segmentor_cfg()
    cfg.decode_head = dict(
        cfg.decode_head,
        type='ACMHead',
        num_attention=2,
        attention_channels=8,
        **head)
    return cfg


def build_cirn(segmentor_cfg: dict,
               seg_lr: float = 0.01,
               disc_lr: float = 1e-3,
               **kwargs) -> Tuple[torch.nn.Module, OptimWrapperDict]:
    """A small CIRN (one discriminator on the ACM head) and its optimizers.
    """
    cfg = dict(
        type='CIRN',
        segmentor=segmentor_cfg,
        discriminator=dict(
            type='MultiLevelDiscriminator',
            discriminators=dict(
                decode_head=dict(
                    type='FCDiscriminator', in_channels=19,
                    channels=(8, 16)))),
        adv_weights=dict(decode_head=0.1))
    cfg.update(kwargs)
    model = MODELS.build(cfg)
    model.init_weights()
    return model, build_uda_optim_wrapper(model, seg_lr, disc_lr)


def build_uda_optim_wrapper(model: torch.nn.Module, seg_lr: float,
                            disc_lr: float) -> OptimWrapperDict:
    """SGD for the segmentor, Adam for the discriminator, one per key."""
    return build_optim_wrapper(
        model,
        dict(
            constructor='MultiOptimWrapperConstructor',
            segmentor=dict(
                type='OptimWrapper',
                optimizer=dict(type='SGD', lr=seg_lr, momentum=0.9)),
            discriminator=dict(
                type='OptimWrapper',
                optimizer=dict(type='Adam', lr=disc_lr, betas=(0.9, 0.99)))))


def ldr_cfg(segmentor_cfg: dict, **kwargs) -> dict:
    """A small LDR: M, three D_k and a random VGG at toy widths."""
    cfg = dict(
        type='LDR',
        segmentor=segmentor_cfg,
        discriminator=dict(
            type='MultiLevelDiscriminator',
            discriminators=dict(
                decode_head=dict(
                    type='FCDiscriminator', in_channels=19,
                    channels=(8, 16)))),
        reconstructor=dict(
            type='ResNetGenerator',
            in_channels=19,
            base_channels=4,
            num_blocks=1,
            num_downsamples=3,
            outer_convs=False),
        recon_discriminator=dict(
            type='MultiScalePatchDiscriminator',
            discriminator=dict(
                type='PatchDiscriminator',
                in_channels=22,
                base_channels=4,
                padding=2)),
        perceptual_loss=dict(
            type='VGGPerceptualLoss',
            pretrained=None,
            base_channels=4,
            layer_weights=(1 / 32, 1 / 16)),
        adv_weights=dict(decode_head=0.1))
    cfg.update(kwargs)
    return cfg


def build_ldr_optim_wrapper(model: torch.nn.Module,
                            seg_lr: float = 0.01,
                            disc_lr: float = 1e-3,
                            rec_lr: float = 1e-3) -> OptimWrapperDict:
    """One optimizer per LDR child, built as the runner does."""
    adam = dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=rec_lr, betas=(0.5, 0.999)))
    return build_optim_wrapper(
        model,
        dict(
            constructor='MultiOptimWrapperConstructor',
            segmentor=dict(
                type='OptimWrapper',
                optimizer=dict(type='SGD', lr=seg_lr, momentum=0.9)),
            discriminator=dict(
                type='OptimWrapper',
                optimizer=dict(type='Adam', lr=disc_lr, betas=(0.9, 0.99))),
            reconstructor=adam,
            recon_discriminator=adam))


def build_ldr(segmentor_cfg: dict,
              **kwargs) -> Tuple[torch.nn.Module, OptimWrapperDict]:
    """A small LDR (see :func:`ldr_cfg`) and its four optimizers."""
    model = MODELS.build(ldr_cfg(segmentor_cfg, **kwargs))
    model.init_weights()
    return model, build_ldr_optim_wrapper(model)


def load_module(path: str):
    """The Python file at ``path`` as a fresh module (not in sys.modules)."""
    import importlib.util
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} does not exist.')
    name = osp.splitext(osp.relpath(path, REPO_ROOT))[0]
    spec = importlib.util.spec_from_file_location(
        name.replace(osp.sep, '_').replace('.', '_'), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_tool(name: str):
    """A script of ``tools/`` as a fresh module (its ``main`` not run).

    Args:
        name (str): The script's path under ``tools/`` without ``.py``,
            e.g. ``'run_pipeline'`` or ``'analysis_tools/summarize_logs'``.
    """
    return load_module(
        osp.join(REPO_ROOT, 'tools', *name.split('/')) + '.py')
