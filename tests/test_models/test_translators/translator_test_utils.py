"""Tiny CycleGAN translators and their optimizers, built as the runner does."""
from typing import Optional, Tuple

import torch
from mmengine.optim import OptimWrapperDict, build_optim_wrapper
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from uda_test_utils import toy_segmentor_cfg

import mmseg_uda  # noqa: F401  (registers the plugin)

# Configs resolve their types in mmseg's scope, as under the runner.
init_default_scope('mmseg')


def translator_cfg(**kwargs) -> dict:
    """A CycleGAN translator a few hundred parameters wide."""
    cfg = dict(
        type='CycleGANTranslator',
        generator=dict(type='ResNetGenerator', base_channels=4, num_blocks=1),
        discriminator=dict(
            type='PatchDiscriminator', base_channels=4, num_layers=2))
    cfg.update(kwargs)
    return cfg


def save_segmentor_checkpoint(path: str, seed: int = 0) -> dict:
    """Save a toy segmentor's weights as a plain mmseg checkpoint."""
    torch.manual_seed(seed)
    segmentor = MODELS.build(toy_segmentor_cfg())
    state_dict = segmentor.state_dict()
    torch.save(dict(state_dict=state_dict), path)
    return state_dict


def consistency_cfg(checkpoint: str,
                    perceptual: bool = True,
                    semantic: bool = True) -> dict:
    """Translator keyword arguments adding the optional losses."""
    return dict(
        segmentor=toy_segmentor_cfg(),
        segmentor_checkpoint=checkpoint,
        perceptual_loss=dict(type='SegPerceptualLoss') if perceptual else None,
        semantic_loss=dict(
            type='SemanticConsistencyLoss') if semantic else None)


def build_optim(model: torch.nn.Module,
                gen_lr: float = 2e-4,
                disc_lr: float = 2e-4) -> OptimWrapperDict:
    """CycleGAN's Adam per child through MultiOptimWrapperConstructor."""

    def adam(lr: float) -> dict:
        return dict(
            type='OptimWrapper',
            optimizer=dict(type='Adam', lr=lr, betas=(0.5, 0.999)))

    return build_optim_wrapper(
        model,
        dict(
            constructor='MultiOptimWrapperConstructor',
            generators=adam(gen_lr),
            discriminators=adam(disc_lr)))


def build_translator(gen_lr: float = 2e-4,
                     disc_lr: float = 2e-4,
                     seed: Optional[int] = 0,
                     **kwargs) -> Tuple[torch.nn.Module, OptimWrapperDict]:
    """A tiny initialised translator and its optimizers."""
    if seed is not None:
        torch.manual_seed(seed)
    model = MODELS.build(translator_cfg(**kwargs))
    model.init_weights()
    return model, build_optim(model, gen_lr, disc_lr)
