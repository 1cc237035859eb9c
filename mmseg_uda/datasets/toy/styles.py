"""Per-domain appearance of the toy benchmark and the scene renderer.

Two built-in domain pairs (:data:`TOY_PAIRS`), whose shifts differ in kind:

- ``'a'``: the source looks like a video game (flat, saturated colours,
  sharp edges); the target like a street camera (grey, Gaussian sensor
  noise, lens blur, a colour cast, a lower horizon, more cars).
- ``'b'``: the source is a cartoon-like game of another palette, with many
  pedestrians and trees and few cars; the target a hazy dash camera: haze
  that grows with the distance (contrast falls with depth), brightness-
  dependent (shot) sensor noise, horizontal motion blur, a rolled camera,
  warm faded colours, a higher horizon, tall buildings, many cars and few
  pedestrians and trees.

:meth:`DomainStyle.interpolate` moves between a source and its target, so
the strength of a pair's shift is one number.
"""
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Tuple

import cv2
import numpy as np

from .scene import (EGO_VEHICLE_ID, LABEL_IDS, PART_DARK, PART_GLASS,
                    PART_LAMP, PART_MARK, PART_SKIN, LayoutConfig, Scene)

RGB = Tuple[int, int, int]

# How strongly texture noise shows on each class (vegetation is the most
# textured surface, the sky the least); shared by both domains.
_TEXTURE_WEIGHTS = {
    'road': 1.0,
    'sidewalk': 0.8,
    'building': 0.8,
    'fence': 0.8,
    'vegetation': 2.0,
    'terrain': 1.5,
    'sky': 0.25,
}
_DEFAULT_TEXTURE_WEIGHT = 0.5


@dataclass
class AppearanceConfig:
    """Colours, textures and camera effects of one domain.

    Args:
        palette (dict[str, tuple]): RGB base colour of each class of
            :data:`~.scene.LABEL_IDS`; for the sky it is the colour at the
            horizon; cars, persons and traffic signs take their colours
            from the pools below instead.
        sky_top (tuple): RGB colour of the sky at the top row.
        car_colours (tuple[tuple]): Body colours a car is drawn from.
        clothing_colours (tuple[tuple]): Clothing colours of persons.
        skin_colours (tuple[tuple]): Colours of heads.
        sign_colours (tuple[tuple]): Colours of the rims of traffic signs.
        lamp_colours (tuple[tuple]): Colours of lit traffic-light lamps and
            car lights.
        glass (tuple): Colour of windows of buildings and cars.
        marking (tuple): Colour of lane markings and sign faces.
        hood (tuple): Colour of the ego-vehicle hood.
        instance_jitter (float): Standard deviation of a per-object
            brightness offset (0-255 scale), so buildings, trees, ... vary;
            each channel also gets an independent offset of half of it.
        dark_factor (float): Brightness of wheels, legs, fence posts and
            paving seams relative to their object's colour.
        texture (float): Amplitude of pixel-level multiplicative noise.
        texture_coarse (float): Amplitude of blotchy multiplicative noise
            (stains, clouds, foliage clumps).
        saturation (float): Colour saturation factor (1 keeps it).
        white_balance (tuple[float, float, float]): Per-channel RGB gains.
        brightness (float): Global gain.
        contrast (float): Contrast factor around mid-grey.
        gamma (float): Gamma applied to the normalised image.
        blur_sigma (float): Standard deviation of the Gaussian lens blur in
            pixels; 0 disables it.
        sensor_noise (float): Standard deviation of additive Gaussian
            sensor noise (0-255 scale).
        haze (float): Extinction coefficient ``beta`` of atmospheric haze:
            a pixel at distance ``z`` (the scene's depth map) keeps
            ``t = exp(-beta * z)`` of its colour and takes ``1 - t`` of
            ``haze_colour``, so contrast falls with depth and the sky is
            the haze colour; 0 disables it.
        haze_colour (tuple): RGB colour of the haze (the airlight).
        motion_blur (int): Length in pixels of a horizontal motion-blur
            kernel (box); 0 or 1 disables it.
        shot_noise (float): Signal-dependent sensor noise: Gaussian noise of
            standard deviation ``shot_noise * sqrt(value)`` (0-255 scale),
            so bright pixels are noisier; 0 disables it.
    """

    palette: Dict[str, RGB]
    sky_top: RGB
    car_colours: Tuple[RGB, ...]
    clothing_colours: Tuple[RGB, ...]
    skin_colours: Tuple[RGB, ...]
    sign_colours: Tuple[RGB, ...]
    lamp_colours: Tuple[RGB, ...]
    glass: RGB
    marking: RGB
    hood: RGB
    instance_jitter: float = 10.0
    dark_factor: float = 0.45
    texture: float = 0.02
    texture_coarse: float = 0.02
    saturation: float = 1.0
    white_balance: Tuple[float, float, float] = (1.0, 1.0, 1.0)
    brightness: float = 1.0
    contrast: float = 1.0
    gamma: float = 1.0
    blur_sigma: float = 0.0
    sensor_noise: float = 0.0
    haze: float = 0.0
    haze_colour: RGB = (255, 255, 255)
    motion_blur: int = 0
    shot_noise: float = 0.0


@dataclass
class DomainStyle:
    """Everything that tells one domain from another.

    Args:
        appearance (AppearanceConfig): Colours, textures, camera effects.
        layout (LayoutConfig): Layout statistics (horizon, object counts).
    """

    appearance: AppearanceConfig
    layout: LayoutConfig = field(default_factory=LayoutConfig)

    def interpolate(self, other: 'DomainStyle',
                    strength: float) -> 'DomainStyle':
        """Blend every parameter linearly towards ``other``.

        Args:
            other (DomainStyle): The style reached at ``strength=1``.
            strength (float): 0 returns a copy of this style, 1 a copy of
                ``other``; integer parameters are rounded.

        Returns:
            DomainStyle: The blended style.
        """
        return _lerp(self, other, strength)

    def to_dict(self) -> dict:
        """All parameters as plain JSON-compatible values."""
        return dataclasses.asdict(self)


def _lerp(a: Any, b: Any, t: float) -> Any:
    if dataclasses.is_dataclass(a):
        return type(a)(**{
            f.name: _lerp(getattr(a, f.name), getattr(b, f.name), t)
            for f in dataclasses.fields(a)
        })
    if isinstance(a, dict):
        if a.keys() != b.keys():
            raise ValueError(f'cannot blend styles with different keys: '
                             f'{sorted(a)} vs {sorted(b)}')
        return {k: _lerp(a[k], b[k], t) for k in a}
    if isinstance(a, (tuple, list)):
        if len(a) != len(b):
            raise ValueError(f'cannot blend {a} with {b}: the style lists '
                             'must have the same length')
        return tuple(_lerp(x, y, t) for x, y in zip(a, b))
    if isinstance(a, int) and isinstance(b, int):
        return int(round(a + (b - a) * t))
    return float(a + (b - a) * t)


def source_style() -> DomainStyle:
    """The game-like source domain (the GTA5 stand-in)."""
    appearance = AppearanceConfig(
        palette={
            'road': (85, 80, 95),
            'sidewalk': (195, 165, 120),
            'building': (185, 105, 70),
            'fence': (165, 125, 70),
            'pole': (70, 70, 80),
            'traffic light': (40, 40, 45),
            'traffic sign': (150, 150, 160),
            'vegetation': (40, 155, 40),
            'terrain': (150, 200, 60),
            'sky': (130, 190, 255),
            'person': (200, 60, 60),
            'car': (200, 30, 30),
        },
        sky_top=(40, 110, 240),
        car_colours=((200, 20, 20), (20, 60, 200), (240, 200, 30),
                     (20, 160, 60), (235, 235, 235), (30, 30, 35)),
        clothing_colours=((220, 40, 40), (40, 90, 220), (240, 200, 40),
                          (40, 180, 80), (230, 120, 30), (150, 50, 200)),
        skin_colours=((235, 185, 145), (185, 125, 85), (125, 85, 55)),
        sign_colours=((220, 30, 30), (30, 70, 220), (230, 200, 20)),
        lamp_colours=((255, 40, 40), (255, 190, 0), (40, 255, 80)),
        glass=(90, 150, 200),
        marking=(245, 245, 240),
        hood=(20, 20, 25),
        instance_jitter=10.0,
        dark_factor=0.4,
        texture=0.02,
        texture_coarse=0.02,
        saturation=1.2,
        contrast=1.1)
    return DomainStyle(appearance=appearance, layout=LayoutConfig())


def target_style() -> DomainStyle:
    """The camera-like target domain (the Cityscapes stand-in)."""
    appearance = AppearanceConfig(
        palette={
            'road': (105, 103, 108),
            'sidewalk': (180, 160, 135),
            'building': (150, 105, 85),
            'fence': (150, 125, 90),
            'pole': (105, 105, 105),
            'traffic light': (35, 35, 35),
            'traffic sign': (165, 165, 165),
            'vegetation': (60, 125, 45),
            'terrain': (140, 170, 75),
            'sky': (190, 210, 225),
            'person': (130, 65, 70),
            'car': (135, 50, 50),
        },
        sky_top=(120, 155, 210),
        car_colours=((160, 40, 40), (45, 75, 160), (195, 170, 60),
                     (45, 125, 65), (215, 215, 215), (40, 40, 45)),
        clothing_colours=((165, 55, 55), (55, 85, 165), (185, 160, 60),
                          (55, 140, 80), (175, 110, 50), (120, 65, 150)),
        skin_colours=((215, 175, 150), (170, 125, 95), (110, 80, 60)),
        sign_colours=((195, 50, 45), (50, 85, 185), (205, 180, 45)),
        lamp_colours=((230, 80, 60), (230, 170, 60), (90, 220, 130)),
        glass=(70, 100, 125),
        marking=(215, 215, 205),
        hood=(60, 60, 65),
        instance_jitter=15.0,
        dark_factor=0.55,
        texture=0.1,
        texture_coarse=0.08,
        saturation=0.95,
        white_balance=(0.97, 1.02, 0.97),
        brightness=0.97,
        contrast=0.95,
        gamma=1.06,
        blur_sigma=0.8,
        sensor_noise=4.0)
    layout = LayoutConfig(
        horizon=(0.42, 0.5),
        building_height=(1.2, 4.0),
        vegetation_prob=0.4,
        fence_prob=0.2,
        num_cars=(2, 5),
        num_persons=(1, 5),
        object_scale=(0.8, 1.0),
        hood_height=0.08)
    return DomainStyle(appearance=appearance, layout=layout)


def source_style_b() -> DomainStyle:
    """Pair ``'b'``'s source: a cartoon-like game of another palette, with
    many pedestrians, poles and trees and few cars."""
    appearance = AppearanceConfig(
        palette={
            'road': (60, 65, 85),
            'sidewalk': (205, 200, 190),
            'building': (95, 125, 175),
            'fence': (125, 90, 60),
            'pole': (160, 160, 150),
            'traffic light': (25, 25, 30),
            'traffic sign': (215, 215, 205),
            'vegetation': (95, 175, 25),
            'terrain': (185, 150, 75),
            'sky': (175, 225, 250),
            'person': (235, 125, 40),
            'car': (40, 90, 205),
        },
        sky_top=(60, 150, 235),
        car_colours=((40, 90, 205), (205, 40, 150), (250, 150, 20),
                     (120, 200, 230), (245, 245, 245)),
        clothing_colours=((235, 125, 40), (150, 40, 200), (30, 200, 180),
                          (240, 80, 120), (250, 220, 60)),
        skin_colours=((245, 200, 165), (200, 140, 100), (140, 95, 65)),
        sign_colours=((30, 160, 60), (240, 140, 20), (40, 70, 210)),
        lamp_colours=((255, 60, 60), (255, 220, 40), (60, 255, 140)),
        glass=(150, 210, 240),
        marking=(250, 230, 60),
        hood=(230, 230, 230),
        instance_jitter=8.0,
        dark_factor=0.35,
        texture=0.01,
        texture_coarse=0.01,
        saturation=1.3,
        contrast=1.15)
    layout = LayoutConfig(
        horizon=(0.4, 0.48),
        building_height=(1.2, 3.5),
        vegetation_prob=0.55,
        fence_prob=0.3,
        num_cars=(1, 2),
        num_persons=(3, 7),
        num_poles=(3, 5),
        traffic_light_prob=0.5,
        object_scale=(0.85, 1.05),
        hood_height=0.02)
    return DomainStyle(appearance=appearance, layout=layout)


def target_style_b() -> DomainStyle:
    """Pair ``'b'``'s target: a hazy, rolled dash camera (the real
    stand-in), with many cars and few pedestrians and trees."""
    appearance = AppearanceConfig(
        palette={
            'road': (90, 92, 102),
            'sidewalk': (165, 155, 140),
            'building': (150, 135, 120),
            'fence': (110, 95, 80),
            'pole': (80, 78, 75),
            'traffic light': (30, 28, 25),
            'traffic sign': (190, 185, 175),
            'vegetation': (70, 120, 40),
            'terrain': (140, 135, 75),
            'sky': (185, 210, 230),
            'person': (90, 75, 100),
            'car': (120, 115, 125),
        },
        sky_top=(125, 165, 215),
        car_colours=((120, 115, 125), (170, 60, 50), (45, 50, 60),
                     (200, 195, 185), (90, 110, 140)),
        clothing_colours=((90, 75, 100), (60, 60, 65), (140, 110, 80),
                          (150, 70, 70), (70, 90, 120)),
        skin_colours=((210, 170, 140), (165, 120, 90), (105, 75, 55)),
        sign_colours=((180, 60, 45), (60, 90, 170), (200, 170, 60)),
        lamp_colours=((240, 120, 80), (240, 200, 110), (140, 230, 170)),
        glass=(60, 70, 80),
        marking=(220, 215, 200),
        hood=(35, 30, 30),
        instance_jitter=14.0,
        dark_factor=0.6,
        texture=0.06,
        texture_coarse=0.06,
        saturation=0.85,
        white_balance=(1.04, 1.0, 0.92),
        contrast=0.92,
        gamma=0.95,
        haze=0.045,
        haze_colour=(205, 212, 215),
        motion_blur=5,
        shot_noise=0.6)
    layout = LayoutConfig(
        horizon=(0.36, 0.42),
        building_height=(2.0, 6.0),
        vegetation_prob=0.15,
        fence_prob=0.1,
        num_cars=(3, 6),
        num_persons=(1, 2),
        num_poles=(1, 3),
        traffic_light_prob=0.3,
        object_scale=(0.8, 1.0),
        hood_height=0.06,
        roll=(-8.0, 8.0))
    return DomainStyle(appearance=appearance, layout=layout)


#: The built-in domain pairs: name -> (source style, target style).
TOY_PAIRS: Dict[str, Tuple[Callable[[], DomainStyle],
                           Callable[[], DomainStyle]]] = {
                               'a': (source_style, target_style),
                               'b': (source_style_b, target_style_b),
                           }


def default_styles(shift_strength: float = 1.0,
                   pair: str = 'a') -> Dict[str, DomainStyle]:
    """The source style and the target style at a given shift strength.

    Args:
        shift_strength (float): 0 makes the target look like the source,
            1 gives the full default shift, larger values exaggerate it.
        pair (str): Built-in domain pair, a key of :data:`TOY_PAIRS`.
            Defaults to 'a'.

    Returns:
        dict[str, DomainStyle]: Styles under ``'source'`` and ``'target'``.
    """
    if pair not in TOY_PAIRS:
        raise ValueError(f'unknown toy domain pair {pair!r}; the built-in '
                         f'pairs are {sorted(TOY_PAIRS)}')
    source, target = (make() for make in TOY_PAIRS[pair])
    return {
        'source': source,
        'target': source.interpolate(target, shift_strength)
    }


def _colour_lut(palette: Dict[str, RGB], hood: RGB) -> np.ndarray:
    lut = np.zeros((256, 3), np.float32)
    for name, label in LABEL_IDS.items():
        lut[label] = palette[name]
    lut[EGO_VEHICLE_ID] = hood
    return lut


def _pick(rng: np.random.Generator, colours: Tuple[RGB, ...]) -> np.ndarray:
    return np.asarray(colours[rng.integers(len(colours))], np.float32)


def render_scene(scene: Scene, cfg: AppearanceConfig,
                 rng: np.random.Generator) -> np.ndarray:
    """Paint a layout in the appearance of a domain.

    Args:
        scene (Scene): The layout from :func:`~.scene.sample_scene`.
        cfg (AppearanceConfig): The domain's appearance.
        rng (np.random.Generator): Source of randomness.

    Returns:
        np.ndarray: ``(H, W, 3)`` uint8 RGB image.
    """
    labels, inst, parts = scene.labels, scene.instances, scene.parts
    height, width = labels.shape
    img = _colour_lut(cfg.palette, cfg.hood)[labels]

    # sky: vertical gradient from the top colour to the horizon colour
    sky = labels == LABEL_IDS['sky']
    ramp = np.clip(np.arange(height) / max(scene.horizon, 1), 0, 1)
    top = np.asarray(cfg.sky_top, np.float32)
    low = np.asarray(cfg.palette['sky'], np.float32)
    sky_rows = top + ramp[:, None].astype(np.float32) * (low - top)
    img[sky] = np.broadcast_to(sky_rows[:, None], img.shape)[sky]

    # one colour per object, plus the colours of its skin and lamps
    num = len(scene.instance_labels) + 1
    body = np.zeros((num, 3), np.float32)
    skin = np.zeros((num, 3), np.float32)
    lamp = np.zeros((num, 3), np.float32)
    pools = {
        LABEL_IDS['car']: cfg.car_colours,
        LABEL_IDS['person']: cfg.clothing_colours,
        LABEL_IDS['traffic sign']: cfg.sign_colours,
    }
    names = {label: name for name, label in LABEL_IDS.items()}
    for i, label in enumerate(scene.instance_labels, 1):
        if label in pools:
            body[i] = _pick(rng, pools[label])
        else:
            body[i] = cfg.palette[names[label]]
        body[i] += rng.normal(0, cfg.instance_jitter) + rng.normal(
            0, cfg.instance_jitter / 2, 3)
        skin[i] = _pick(rng, cfg.skin_colours)
        lamp[i] = _pick(rng, cfg.lamp_colours)
    has_inst = inst > 0
    img[has_inst] = body[inst[has_inst]]
    img[parts == PART_DARK] *= cfg.dark_factor
    img[parts == PART_GLASS] = cfg.glass
    img[parts == PART_MARK] = cfg.marking
    is_skin, is_lamp = parts == PART_SKIN, parts == PART_LAMP
    img[is_skin] = skin[inst[is_skin]]
    img[is_lamp] = lamp[inst[is_lamp]]

    # multiplicative texture: pixel noise and blotches
    weights = np.full(256, _DEFAULT_TEXTURE_WEIGHT, np.float32)
    for name, weight in _TEXTURE_WEIGHTS.items():
        weights[LABEL_IDS[name]] = weight
    fine = rng.standard_normal((height, width)).astype(np.float32)
    coarse = rng.standard_normal(
        (height // 8 + 2, width // 8 + 2)).astype(np.float32)
    coarse = cv2.resize(
        coarse, (width, height), interpolation=cv2.INTER_LINEAR)
    gain = 1 + weights[labels] * (
        cfg.texture * fine + cfg.texture_coarse * coarse)
    img *= gain[..., None]

    # atmosphere: haze grows with the distance (the sky is all haze)
    if cfg.haze > 0:
        keep = np.exp(-cfg.haze * scene.depth)[..., None]
        img = keep * img + (1 - keep) * np.asarray(cfg.haze_colour, np.float32)

    # camera: colour, exposure, optics, sensor
    grey = img.mean(axis=2, keepdims=True)
    img = grey + cfg.saturation * (img - grey)
    img *= np.asarray(cfg.white_balance, np.float32) * cfg.brightness
    img = (img - 128) * cfg.contrast + 128
    img = 255 * (np.clip(img, 0, 255) / 255)**cfg.gamma
    if cfg.blur_sigma > 0:
        img = cv2.GaussianBlur(img, (0, 0), cfg.blur_sigma)
    if cfg.motion_blur > 1:
        img = cv2.blur(img, (cfg.motion_blur, 1))
    if cfg.sensor_noise > 0:
        img += rng.normal(0, cfg.sensor_noise, img.shape).astype(np.float32)
    if cfg.shot_noise > 0:
        img += cfg.shot_noise * np.sqrt(np.clip(img, 0, None)) * (
            rng.standard_normal(img.shape).astype(np.float32))
    return np.clip(np.round(img), 0, 255).astype(np.uint8)
