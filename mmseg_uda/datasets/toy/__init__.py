"""Procedurally generated synthetic-to-real toy benchmark for UDA.

Street scenes with a shared layout and a configurable appearance shift,
written in the GTA5 and Cityscapes formats so the real loaders read them;
two built-in domain pairs (:data:`TOY_PAIRS`) whose shifts differ in kind.
"""
from .generator import (TARGET_CITIES, TOY_BENCHMARK_VERSION, generate_sample,
                        generate_scene, generate_toy_benchmark)
from .pairs import (CONFIG_TOY_ROOT, TOY_PAIR_DESCRIPTIONS, TOY_PAIR_ROOTS,
                    describe_toy_pairs, toy_root_options)
from .scene import LABEL_IDS, LayoutConfig, Scene, sample_scene
from .styles import (TOY_PAIRS, AppearanceConfig, DomainStyle, default_styles,
                     render_scene, source_style, source_style_b, target_style,
                     target_style_b)

__all__ = [
    'TARGET_CITIES', 'TOY_BENCHMARK_VERSION', 'generate_sample',
    'generate_scene', 'generate_toy_benchmark', 'CONFIG_TOY_ROOT',
    'TOY_PAIR_DESCRIPTIONS', 'describe_toy_pairs', 'TOY_PAIR_ROOTS',
    'toy_root_options', 'LABEL_IDS', 'LayoutConfig', 'Scene', 'sample_scene',
    'TOY_PAIRS', 'AppearanceConfig', 'DomainStyle', 'default_styles',
    'render_scene', 'source_style', 'source_style_b', 'target_style',
    'target_style_b'
]
