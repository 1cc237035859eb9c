# Ablation (paper Table 5): hard one-hot domain encodings, keeping only
# pixels whose prediction confidence is at least 0.9 (46.9 soft vs 45.7
# hard on GTA5 -> Cityscapes). Starts from the same warm-up.
_base_ = ['./fada_r101_gta2cs.py']
model = dict(
    domain_encoding=dict(
        _delete_=True,
        type='DomainEncodingLoss',
        label_type='hard',
        confidence_threshold=0.9))
