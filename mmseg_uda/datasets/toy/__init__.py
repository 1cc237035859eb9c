"""Procedurally generated synthetic-to-real toy benchmark for UDA.

Street scenes with a shared layout and a configurable appearance shift,
written in the GTA5 and Cityscapes formats so the real loaders read them.
"""
from .generator import (TARGET_CITIES, TOY_BENCHMARK_VERSION, generate_sample,
                        generate_toy_benchmark)
from .scene import LABEL_IDS, LayoutConfig, Scene, sample_scene
from .styles import (AppearanceConfig, DomainStyle, default_styles,
                     render_scene, source_style, target_style)

__all__ = [
    'TARGET_CITIES', 'TOY_BENCHMARK_VERSION', 'generate_sample',
    'generate_toy_benchmark', 'LABEL_IDS', 'LayoutConfig', 'Scene',
    'sample_scene', 'AppearanceConfig', 'DomainStyle', 'default_styles',
    'render_scene', 'source_style', 'target_style'
]
