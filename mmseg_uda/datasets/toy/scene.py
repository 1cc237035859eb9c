"""Procedural street-scene layouts for the toy domain-shift benchmark.

A layout is a Cityscapes labelId map plus an instance map and a part map
(windows, wheels, lane markings, ...) that the renderer in ``styles.py``
turns into an image. Geometry follows a simple pinhole street model: every
ground line converges to a vanishing point on the horizon and an object of
real height ``r`` (in units of the camera height) standing at image row
``y`` spans ``r * (y - horizon)`` pixels. Every pixel also gets its
distance from the camera (a depth map, for depth-dependent effects such as
haze), and the whole view may be rolled about the optical axis.
"""
from dataclasses import dataclass
from typing import List, Optional, Tuple

import cv2
import numpy as np

#: Cityscapes labelIds of the classes drawn by the generator.
LABEL_IDS = {
    'road': 7,
    'sidewalk': 8,
    'building': 11,
    'fence': 13,
    'pole': 17,
    'traffic light': 19,
    'traffic sign': 20,
    'vegetation': 21,
    'terrain': 22,
    'sky': 23,
    'person': 24,
    'car': 26,
}
#: Cityscapes labelId of the void ego-vehicle hood (ignored in training).
EGO_VEHICLE_ID = 1

#: Part ids: how a pixel is painted within its class.
PART_MAIN = 0
PART_GLASS = 1  # windows of buildings and cars
PART_DARK = 2  # wheels, legs, fence posts, paving seams
PART_SKIN = 3  # heads of persons
PART_MARK = 4  # lane markings, sign rims
PART_LAMP = 5  # traffic-light lamps, car lights

_SHIFT = 4  # sub-pixel bits for cv2 drawing
_ONE = 1 << _SHIFT


@dataclass
class LayoutConfig:
    """Layout statistics of one domain.

    Sizes are in units of the camera height (a person is about 1.15 high, a
    car about 0.95); distances along the street are in units of the
    distance of the ground seen at the bottom row.

    Args:
        horizon (tuple[float, float]): Range of the horizon row as a
            fraction of the image height.
        vanishing_jitter (float): Maximum horizontal offset of the vanishing
            point from the image centre, as a fraction of the width.
        road_width (tuple[float, float]): Range of the road half width.
        sidewalk_width (tuple[float, float]): Range of each sidewalk's
            width.
        street_end (tuple[float, float]): Range of the relative depth
            (0 = horizon, 1 = bottom row) at which a facade closes the
            street.
        building_height (tuple[float, float]): Range of building heights.
        block_length (tuple[float, float]): Range of the length of one
            building or vegetation block along the street.
        vegetation_prob (float): Probability that a block is vegetation
            (trees above a strip of terrain) instead of a building.
        fence_prob (float): Probability that a block has a fence in front.
        num_cars (tuple[int, int]): Inclusive range of cars per image.
        num_persons (tuple[int, int]): Inclusive range of persons per image.
        num_poles (tuple[int, int]): Inclusive range of poles per image.
        traffic_light_prob (float): Probability that a pole carries a
            traffic light instead of a traffic sign (the first pole of an
            image always carries a sign).
        object_scale (tuple[float, float]): Range of the size factor of
            cars, persons and poles.
        hood_height (float): Height of the ego-vehicle hood at the image
            centre, as a fraction of the image height (void pixels).
        roll (tuple[float, float]): Range of the camera roll in degrees;
            a positive roll turns the view clockwise about the image
            centre (the horizon drops to the right). The hood is fixed to
            the camera and does not roll. ``(0, 0)`` disables it and draws
            no random number.
    """

    horizon: Tuple[float, float] = (0.36, 0.44)
    vanishing_jitter: float = 0.1
    road_width: Tuple[float, float] = (1.3, 2.0)
    sidewalk_width: Tuple[float, float] = (0.8, 1.8)
    street_end: Tuple[float, float] = (0.04, 0.1)
    building_height: Tuple[float, float] = (1.5, 5.0)
    block_length: Tuple[float, float] = (1.0, 4.0)
    vegetation_prob: float = 0.3
    fence_prob: float = 0.15
    num_cars: Tuple[int, int] = (1, 4)
    num_persons: Tuple[int, int] = (1, 4)
    num_poles: Tuple[int, int] = (2, 4)
    traffic_light_prob: float = 0.4
    object_scale: Tuple[float, float] = (0.9, 1.1)
    hood_height: float = 0.03
    roll: Tuple[float, float] = (0.0, 0.0)


@dataclass
class Scene:
    """A sampled layout.

    Args:
        labels (np.ndarray): ``(H, W)`` uint8 Cityscapes labelIds.
        instances (np.ndarray): ``(H, W)`` int32 instance ids, 0 for
            pixels that belong to no instance (road, sky, ...).
        instance_labels (list[int]): labelId of each instance; entry ``i``
            describes instance id ``i + 1``.
        parts (np.ndarray): ``(H, W)`` uint8 part ids (``PART_*``).
        horizon (int): Horizon row (at the image centre when rolled).
        depth (np.ndarray): ``(H, W)`` float32 distance of every pixel from
            the camera along the street, in units of the distance of the
            ground seen at the bottom row of an unrolled view; ``inf`` for
            the sky, 0 for the ego-vehicle hood.
        roll (float): Camera roll of the view in degrees (see
            :class:`LayoutConfig`).
    """

    labels: np.ndarray
    instances: np.ndarray
    instance_labels: List[int]
    parts: np.ndarray
    horizon: int
    depth: np.ndarray
    roll: float = 0.0


class _Canvas:
    """Label, instance, part and depth maps drawn together with cv2.

    An object drawn with ``poly``, ``rect`` or ``ellipse`` has one depth,
    given when its instance is created; ``fill`` takes per-pixel depths.
    """

    def __init__(self, width: int, height: int) -> None:
        self.labels = np.full((height, width), LABEL_IDS['sky'], np.uint8)
        self.instances = np.zeros((height, width), np.int32)
        self.parts = np.zeros((height, width), np.uint8)
        self.depth = np.full((height, width), np.inf, np.float32)
        self.instance_labels: List[int] = []
        self.instance_depths: List[Optional[float]] = []

    def new_instance(self, label: int, depth: Optional[float] = None) -> int:
        """A new instance id; ``depth`` is needed to draw it as a shape."""
        self.instance_labels.append(label)
        self.instance_depths.append(depth)
        return len(self.instance_labels)

    def poly(self, points, label: int, inst: int, part: int = PART_MAIN):
        pts = [np.round(np.asarray(points) * _ONE).astype(np.int32)]
        if part == PART_MAIN:
            cv2.fillPoly(self.labels, pts, label, cv2.LINE_8, _SHIFT)
            cv2.fillPoly(self.instances, pts, inst, cv2.LINE_8, _SHIFT)
            cv2.fillPoly(self.depth, pts, self.instance_depths[inst - 1],
                         cv2.LINE_8, _SHIFT)
        cv2.fillPoly(self.parts, pts, part, cv2.LINE_8, _SHIFT)

    def rect(self, x0, y0, x1, y1, label, inst, part=PART_MAIN):
        self.poly([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], label, inst, part)

    def ellipse(self, cx, cy, rx, ry, label, inst, part=PART_MAIN):
        center = (int(round(cx * _ONE)), int(round(cy * _ONE)))
        axes = (max(int(round(rx * _ONE)), 1), max(int(round(ry * _ONE)), 1))
        args = (center, axes, 0, 0, 360)
        if part == PART_MAIN:
            cv2.ellipse(self.labels, *args, label, -1, cv2.LINE_8, _SHIFT)
            cv2.ellipse(self.instances, *args, inst, -1, cv2.LINE_8, _SHIFT)
            cv2.ellipse(self.depth, *args, self.instance_depths[inst - 1], -1,
                        cv2.LINE_8, _SHIFT)
        cv2.ellipse(self.parts, *args, part, -1, cv2.LINE_8, _SHIFT)

    def fill(self,
             mask: np.ndarray,
             label: int,
             depth,
             inst: int = 0,
             part: int = PART_MAIN) -> None:
        """Paint ``mask``; ``depth`` is a number or broadcasts to it."""
        self.labels[mask] = label
        self.instances[mask] = inst
        self.parts[mask] = part
        self.depth[mask] = np.broadcast_to(
            np.asarray(depth, np.float32), mask.shape)[mask]

    def rolled(self, angle: float, width: int, height: int) -> '_Canvas':
        """The centre ``width x height`` crop of the view rolled by ``angle``.

        Nearest-neighbour resampling, so labels stay labels; the canvas must
        be large enough for the crop (see :func:`_rolled_canvas_size`).
        """
        rad = np.deg2rad(angle)
        rows, cols = np.mgrid[0:height, 0:width].astype(np.float64)
        dx, dy = cols - (width - 1) / 2, rows - (height - 1) / 2
        src_h, src_w = self.labels.shape
        # output pixel -> view pixel: the view turns clockwise by angle
        src_x = np.cos(rad) * dx + np.sin(rad) * dy + (src_w - 1) / 2
        src_y = -np.sin(rad) * dx + np.cos(rad) * dy + (src_h - 1) / 2
        src = (np.clip(np.round(src_y).astype(int), 0, src_h - 1),
               np.clip(np.round(src_x).astype(int), 0, src_w - 1))
        out = _Canvas(width, height)
        out.labels, out.instances = self.labels[src], self.instances[src]
        out.parts, out.depth = self.parts[src], self.depth[src]
        out.instance_labels = self.instance_labels
        out.instance_depths = self.instance_depths
        return out


def _rolled_canvas_size(width: int, height: int,
                        max_roll: float) -> Tuple[int, int]:
    """Size of a view that holds a ``width x height`` crop at any roll up to
    ``max_roll`` degrees."""
    rad = np.deg2rad(abs(max_roll))
    cos, sin = np.cos(rad), np.sin(rad)
    return (int(np.ceil(width * cos + height * sin)) + 2,
            int(np.ceil(width * sin + height * cos)) + 2)


class _Street:
    """Ground geometry of one sampled street.

    Lateral positions ``X`` are in camera heights; a ground point at
    lateral position ``X`` and relative depth ``d`` (0 = horizon, 1 = bottom
    row) is drawn at ``(vx + X * scale(d), y(d))``.
    """

    def __init__(self, rng: np.random.Generator, width: int, height: int,
                 cfg: LayoutConfig) -> None:
        self.width, self.height = width, height
        self.horizon = int(round(height * rng.uniform(*cfg.horizon)))
        self.vx = width * (0.5 + rng.uniform(-1, 1) * cfg.vanishing_jitter)
        self.centre = rng.uniform(-0.4, 0.4)
        half = rng.uniform(*cfg.road_width)
        self.road = (self.centre - half, self.centre + half)
        self.outer = (self.road[0] - rng.uniform(*cfg.sidewalk_width),
                      self.road[1] + rng.uniform(*cfg.sidewalk_width))
        self.d_end = rng.uniform(*cfg.street_end)

    def y(self, d):
        """Image row of relative depth ``d``."""
        return self.horizon + d * (self.height - self.horizon)

    def x(self, lateral, d):
        """Image column of lateral position ``lateral`` at depth ``d``."""
        return self.vx + lateral * self.scale(d)

    def scale(self, d):
        """Pixels per camera height at relative depth ``d``."""
        return d * (self.height - self.horizon)

    def depth_of_rows(self) -> np.ndarray:
        """``(H, 1)`` relative depth of every row (negative above)."""
        rows = np.arange(self.height, dtype=np.float64)[:, None]
        return (rows - self.horizon) / (self.height - self.horizon)


def _draw_ground(canvas: _Canvas, street: _Street,
                 rng: np.random.Generator) -> None:
    """Road with lane markings and paved sidewalks up to the street end."""
    d = np.maximum(street.depth_of_rows(), 1e-6)
    cols = np.arange(street.width, dtype=np.float64)[None, :]
    lateral = (cols - street.vx) / street.scale(d)
    ground = np.broadcast_to(d >= street.d_end, lateral.shape)
    road = ground & (lateral >= street.road[0]) & (lateral < street.road[1])
    walk = ground & ~road & (lateral >= street.outer[0]) & (
        lateral < street.outer[1])
    z = 1.0 / d  # distance along the street, in bottom-row distances
    canvas.fill(walk, LABEL_IDS['sidewalk'], z)
    canvas.fill(road, LABEL_IDS['road'], z)

    tile = rng.uniform(0.15, 0.3)
    canvas.parts[walk & (np.mod(z, tile) < 0.2 * tile)] = PART_DARK
    line = 0.07
    dash = rng.uniform(0.6, 1.2)
    centre = np.abs(lateral - street.centre) < line
    centre &= np.mod(z + rng.uniform(0, dash), dash) < 0.5 * dash
    edges = (np.abs(lateral - street.road[0] - 3 * line) < line) | (
        np.abs(lateral - street.road[1] + 3 * line) < line)
    canvas.parts[road & (centre | edges)] = PART_MARK


def _draw_far_skyline(canvas: _Canvas, street: _Street,
                      rng: np.random.Generator, cfg: LayoutConfig) -> None:
    """Distant buildings around the vanishing point, behind the street."""
    y_end = street.y(street.d_end)
    scale = street.scale(street.d_end)
    x = street.x(street.outer[0] - rng.uniform(2, 6), street.d_end)
    x_stop = street.x(street.outer[1] + rng.uniform(2, 6), street.d_end)
    label = LABEL_IDS['building']
    while x < x_stop:
        w = scale * rng.uniform(1.5, 4)
        h = scale * rng.uniform(cfg.building_height[0],
                                2 * cfg.building_height[1])
        canvas.rect(x, y_end - h, x + w, y_end + 1, label,
                    canvas.new_instance(label, 1.0 / street.d_end))
        x += w


def _draw_facades(canvas: _Canvas, street: _Street, rng: np.random.Generator,
                  cfg: LayoutConfig) -> None:
    """Building and vegetation blocks along both sidewalks.

    A block stands on the outer sidewalk line and spans a range of the
    distance ``z = 1 / d``, so it shrinks towards the vanishing point.
    """
    rows = np.arange(street.height, dtype=np.float64)[:, None]
    cols = np.arange(street.width, dtype=np.float64)
    for lateral in street.outer:
        # depth at which the outer line crosses each column
        d_col = (cols - street.vx) / (
            lateral * (street.height - street.horizon))
        visible = d_col >= street.d_end
        d_col = np.where(visible, d_col, street.d_end)
        z_col = 1.0 / d_col
        # height above the ground of every pixel, in camera heights
        height = (street.y(d_col)[None, :] - rows) / street.scale(d_col)
        z_hi = 1.0 / street.d_end
        while z_hi > 0:
            z_lo = z_hi - rng.uniform(*cfg.block_length)
            in_block = visible & (z_col <= z_hi) & (z_col > z_lo)
            z_hi = z_lo
            # every block draws the same numbers, visible or not
            is_tree = rng.random() < cfg.vegetation_prob
            top = rng.uniform(*cfg.building_height)
            crown = rng.uniform(1.2, 2.5) * (
                1 + 0.15 *
                np.sin(z_col * rng.uniform(4, 10) + rng.uniform(0, 2 * np.pi)))
            grass = rng.uniform(0.15, 0.35)
            pitch, floor = rng.uniform(0.15, 0.4), rng.uniform(0.35, 0.6)
            fence_top = rng.uniform(0.4, 0.7)
            has_fence = rng.random() < cfg.fence_prob
            if not in_block.any():
                continue
            block = in_block[None, :] & (height >= 0)
            if is_tree:
                body = block & (height < np.maximum(crown, 1.05)[None, :])
                label = LABEL_IDS['vegetation']
                canvas.fill(body, label, z_col, canvas.new_instance(label))
                canvas.fill(body & (height < grass), LABEL_IDS['terrain'],
                            z_col)
            else:
                body = block & (height < top)
                label = LABEL_IDS['building']
                canvas.fill(body, label, z_col, canvas.new_instance(label))
                win = (np.mod(z_col, pitch) < 0.5 * pitch)[None, :] & (
                    np.mod(height, floor) > 0.35 * floor)
                win &= (height > 0.5) & (height < top - 0.2)
                canvas.parts[body & win] = PART_GLASS
            if has_fence:
                fence = block & (height < fence_top)
                label = LABEL_IDS['fence']
                canvas.fill(fence, label, z_col, canvas.new_instance(label))
                posts = np.mod(z_col, 0.1) < 0.03
                canvas.parts[fence & posts[None, :]] = PART_DARK
    # a facade closes the street
    y_end = street.y(street.d_end)
    top = rng.uniform(*cfg.building_height) * street.scale(street.d_end)
    label = LABEL_IDS['building']
    canvas.rect(
        street.x(street.outer[0], street.d_end), y_end - top,
        street.x(street.outer[1], street.d_end), y_end + 1, label,
        canvas.new_instance(label, 1.0 / street.d_end))


def _draw_car(canvas: _Canvas, x: float, y: float, h: float, aspect: float,
              depth: float) -> None:
    label = LABEL_IDS['car']
    inst = canvas.new_instance(label, depth)
    w = h * aspect
    x0, x1 = x - w / 2, x + w / 2
    cut = 0.08 * w
    canvas.poly([(x0, y - 0.15 * h), (x0 + cut, y - 0.6 * h),
                 (x1 - cut, y - 0.6 * h), (x1, y - 0.15 * h),
                 (x1, y - 0.1 * h), (x0, y - 0.1 * h)], label, inst)
    roof_in = 0.15 * w + 0.35 * h * (aspect > 2)
    canvas.poly([(x0 + 0.08 * w, y - 0.58 * h), (x0 + roof_in, y - h),
                 (x1 - roof_in, y - h), (x1 - 0.08 * w, y - 0.58 * h)], label,
                inst)
    # windows
    canvas.poly([(x0 + 0.13 * w, y - 0.62 * h),
                 (x0 + roof_in + 0.04 * w, y - 0.93 * h),
                 (x1 - roof_in - 0.04 * w, y - 0.93 * h),
                 (x1 - 0.13 * w, y - 0.62 * h)], label, inst, PART_GLASS)
    # wheels
    wheel = 0.17 * w if aspect < 2 else 0.12 * w
    inset = 0.04 * w if aspect < 2 else 0.12 * w
    for wx in (x0 + inset, x1 - inset - wheel):
        canvas.rect(wx, y - 0.25 * h, wx + wheel, y, label, inst)
        canvas.rect(wx, y - 0.25 * h, wx + wheel, y, label, inst, PART_DARK)
    # lights
    for lx in (x0 + 0.03 * w, x1 - 0.15 * w):
        canvas.rect(lx, y - 0.5 * h, lx + 0.12 * w, y - 0.4 * h, label, inst,
                    PART_LAMP)


def _draw_person(canvas: _Canvas, x: float, y: float, h: float,
                 depth: float) -> None:
    label = LABEL_IDS['person']
    inst = canvas.new_instance(label, depth)
    w = 0.3 * h
    for lx in (x - 0.42 * w, x + 0.05 * w):
        canvas.rect(lx, y - 0.48 * h, lx + 0.37 * w, y, label, inst)
        canvas.rect(lx, y - 0.48 * h, lx + 0.37 * w, y, label, inst, PART_DARK)
    canvas.poly([(x - 0.45 * w, y - 0.45 * h), (x - 0.5 * w, y - 0.8 * h),
                 (x + 0.5 * w, y - 0.8 * h), (x + 0.45 * w, y - 0.45 * h)],
                label, inst)
    canvas.ellipse(x, y - 0.89 * h, 0.3 * w, 0.1 * h, label, inst)
    canvas.ellipse(x, y - 0.89 * h, 0.3 * w, 0.1 * h, label, inst, PART_SKIN)


def _draw_pole(canvas: _Canvas, x: float, y: float, s: float, side: int,
               head: str, depth: float, rng: np.random.Generator) -> None:
    """A pole of ``s`` pixels per camera height; ``side`` -1 is left.

    Signs and traffic lights hang at 1.4-1.9 camera heights, on the road
    side of the pole.
    """
    label = LABEL_IDS['pole']
    half = max(0.025 * s, 0.5)
    top = y - rng.uniform(2.2, 3.0) * s
    canvas.rect(x - half, top, x + half, y, label,
                canvas.new_instance(label, depth))
    cy = y - rng.uniform(1.4, 1.9) * s
    if head == 'sign':
        label = LABEL_IDS['traffic sign']
        inst = canvas.new_instance(label, depth)
        r = rng.uniform(0.15, 0.22) * s
        cx = x - side * r * rng.uniform(0, 1)
        shape = rng.integers(3)
        if shape == 0:
            canvas.ellipse(cx, cy, r, r, label, inst)
            canvas.ellipse(cx, cy, 0.7 * r, 0.7 * r, label, inst, PART_MARK)
        elif shape == 1:
            canvas.rect(cx - r, cy - r, cx + r, cy + r, label, inst)
            canvas.rect(cx - 0.7 * r, cy - 0.7 * r, cx + 0.7 * r, cy + 0.7 * r,
                        label, inst, PART_MARK)
        else:
            canvas.poly([(cx - r, cy - 0.8 * r), (cx + r, cy - 0.8 * r),
                         (cx, cy + r)], label, inst)
            canvas.poly([(cx - 0.55 * r, cy - 0.5 * r),
                         (cx + 0.55 * r, cy - 0.5 * r), (cx, cy + 0.45 * r)],
                        label, inst, PART_MARK)
    elif head == 'light':
        label = LABEL_IDS['traffic light']
        inst = canvas.new_instance(label, depth)
        w, h = 0.15 * s, 0.42 * s
        cx = x - side * (half + 0.5 * w)
        canvas.rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, label,
                    inst)
        lamp = rng.integers(3)
        canvas.ellipse(cx, cy + (lamp - 1) * h / 3, 0.3 * w, 0.3 * w, label,
                       inst, PART_LAMP)


def _draw_objects(canvas: _Canvas, street: _Street, rng: np.random.Generator,
                  cfg: LayoutConfig) -> None:
    """Cars on the road, persons and poles on the sidewalks, far first.

    The first car, person and pole of an image stand close to the camera so
    that every image shows each of them.
    """
    near = max(street.d_end + 0.05, 0.3)
    objects = []
    for i in range(rng.integers(cfg.num_cars[0], cfg.num_cars[1] + 1)):
        d = rng.uniform(near if i == 0 else street.d_end + 0.03, 0.75)
        side = rng.integers(2)
        if rng.random() < 0.3:  # parked at the kerb, seen from the side
            lateral = street.road[side] + (0.6 if side == 0 else -0.6)
            aspect = rng.uniform(2.3, 2.8)
        else:
            lateral = rng.uniform(
                min(street.road[0] + 0.7, street.centre),
                max(street.road[1] - 0.7, street.centre))
            aspect = rng.uniform(1.3, 1.7)
        objects.append((d, 'car', lateral, aspect))
    for i in range(rng.integers(cfg.num_persons[0], cfg.num_persons[1] + 1)):
        d = rng.uniform(near if i == 0 else 0.15, 0.9)
        side = rng.integers(2)
        lateral = street.road[side] + rng.uniform(0.3, 0.8) * (
            street.outer[side] - street.road[side])
        objects.append((d, 'person', lateral, None))
    for i in range(rng.integers(cfg.num_poles[0], cfg.num_poles[1] + 1)):
        d = rng.uniform(near, 0.5) if i == 0 else rng.uniform(0.12, 0.9)
        side = rng.integers(2)
        lateral = street.road[side] + rng.uniform(0.1, 0.25) * (
            street.outer[side] - street.road[side])
        if i > 0 and rng.random() < cfg.traffic_light_prob:
            head = 'light'
        elif i > 0 and rng.random() < 0.15:
            head = 'none'
        else:
            head = 'sign'
        objects.append((d, 'pole', lateral, (2 * side - 1, head)))
    for d, kind, lateral, extra in sorted(objects, key=lambda o: o[0]):
        x, y = street.x(lateral, d), street.y(d)
        s = street.scale(d) * rng.uniform(*cfg.object_scale)
        if kind == 'car':
            _draw_car(canvas, x, y, 0.95 * s, extra, 1.0 / d)
        elif kind == 'person':
            _draw_person(canvas, x, y, 1.15 * s, 1.0 / d)
        else:
            _draw_pole(canvas, x, y, s, extra[0], extra[1], 1.0 / d, rng)


def _draw_hood(canvas: _Canvas, cfg: LayoutConfig) -> None:
    """Void ego-vehicle hood: a flat arc along the bottom rows."""
    h, w = canvas.labels.shape
    cols = (np.arange(w) - (w - 1) / 2) / (0.75 * w)
    hood = cfg.hood_height * h * np.clip(1 - cols**2, 0, None)
    rows = np.arange(h)[:, None]
    mask = rows >= h - np.maximum(hood[None, :], 1)
    canvas.fill(mask, EGO_VEHICLE_ID, 0.)


def sample_scene(rng: np.random.Generator,
                 width: int = 256,
                 height: int = 128,
                 cfg: Optional[LayoutConfig] = None) -> Scene:
    """Sample one street layout.

    Args:
        rng (np.random.Generator): Source of randomness; the layout is a
            pure function of its state.
        width (int): Image width. Defaults to 256.
        height (int): Image height. Defaults to 128.
        cfg (LayoutConfig, optional): Layout statistics of the domain.
            Defaults to ``LayoutConfig()``.

    Returns:
        Scene: The label, instance and part maps.
    """
    if width < 16 or height < 16:
        raise ValueError(f'toy scenes need at least 16x16 pixels, got '
                         f'{width}x{height}')
    cfg = LayoutConfig() if cfg is None else cfg
    max_roll = max(abs(r) for r in cfg.roll)
    # a rolled view is drawn larger and its centre cut out after rolling
    view = ((width, height) if max_roll == 0 else _rolled_canvas_size(
        width, height, max_roll))
    canvas = _Canvas(*view)
    street = _Street(rng, *view, cfg)
    _draw_far_skyline(canvas, street, rng, cfg)
    _draw_ground(canvas, street, rng)
    _draw_facades(canvas, street, rng, cfg)
    _draw_objects(canvas, street, rng, cfg)
    roll, horizon = 0.0, street.horizon
    if max_roll > 0:
        roll = float(rng.uniform(*cfg.roll))
        canvas = canvas.rolled(roll, width, height)
        horizon = int(round(horizon - (view[1] - height) / 2))
    _draw_hood(canvas, cfg)
    return Scene(
        labels=canvas.labels,
        instances=canvas.instances,
        instance_labels=canvas.instance_labels,
        parts=canvas.parts,
        horizon=horizon,
        depth=canvas.depth,
        roll=roll)
