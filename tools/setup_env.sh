#!/usr/bin/env bash
# Install the verified stack and mmseg_uda (editable) into the current Python.
#
# Idempotent: every step is skipped when its package is already importable at
# the right version, and pip caches the mmcv wheel it builds, so only the very
# first run on a machine compiles mmcv's ops (about 11 min on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}

has() {  # has MODULE VERSION_PREFIX
  $PY - "$1" "$2" <<'PYEOF' >/dev/null 2>&1
import importlib, sys
mod = importlib.import_module(sys.argv[1])
assert mod.__version__.startswith(sys.argv[2]), mod.__version__
if sys.argv[1] == 'mmcv':
    import mmcv.ops  # noqa: F401  (the compiled ops mmseg imports)
PYEOF
}

# torch: the CPU wheel on disk here; on a GPU machine install your CUDA build
# of torch first and this step keeps it.
has torch 2 || $PY -m pip install torch==2.13.0
has mmengine 0.10.7 || $PY -m pip install mmengine==0.10.7
$PY -m pip install -r requirements/runtime.txt -r requirements/tests.txt
if ! has mmcv 2.1.0; then
  # mmcv 2.1.0 has no wheel for recent torch: build it with its ops.
  $PY -m pip install 'setuptools<70' wheel ninja
  MMCV_WITH_OPS=1 MAX_JOBS=$(nproc) \
    $PY -m pip install --no-build-isolation mmcv==2.1.0
fi
has mmseg 1.2.2 || $PY -m pip install mmsegmentation==1.2.2
has mmpretrain 1.2.0 || $PY -m pip install mmpretrain==1.2.0
$PY -m pip install --no-deps --no-build-isolation -e .
$PY -c "import mmseg_uda; print('mmseg_uda', mmseg_uda.__version__, 'ready')"
