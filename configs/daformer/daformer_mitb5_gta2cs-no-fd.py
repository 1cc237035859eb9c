# DAFormer without the thing-class ImageNet feature distance.
_base_ = ['./daformer_mitb5_gta2cs.py']
model = dict(feature_distance=None)
