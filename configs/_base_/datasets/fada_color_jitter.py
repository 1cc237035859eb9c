# FADA's colour jitter of source images (paper: "random flip and color
# jittering"). The official repo jitters source images only, with
# torchvision's ColorJitter(0.5, 0.5, 0.5, 0.2); mmseg's
# PhotoMetricDistortion with the same contrast, saturation and hue ranges
# (hue in OpenCV's 0-180 units) stands in for it (its brightness change is
# additive, +-32).
color_jitter = dict(
    type='PhotoMetricDistortion',
    contrast_range=(0.5, 1.5),
    saturation_range=(0.5, 1.5),
    hue_delta=36)
