# Toy stage 1, source-only warm-up: exactly the toy source-only baseline
# (configs/source_only/deeplabv2_r18_toy-gta2cs.py, 1k iterations), so the
# baseline's checkpoint can serve as the warm-up.
_base_ = ['../source_only/deeplabv2_r18_toy-gta2cs.py']
