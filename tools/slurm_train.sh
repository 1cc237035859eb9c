#!/usr/bin/env bash
# Train on a Slurm cluster, one process per GPU, with mmseg's arguments:
#   [GPUS=4] [GPUS_PER_NODE=4] [CPUS_PER_TASK=5] [SRUN_ARGS="..."] \
#   bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG [train.py args...]
# e.g. GPUS=8 bash tools/slurm_train.sh gpu fada configs/fada/fada_r101_gta2cs.py
set -x

PARTITION=$1
JOB_NAME=$2
CONFIG=$3
GPUS=${GPUS:-4}
GPUS_PER_NODE=${GPUS_PER_NODE:-4}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
TOOLS="$(dirname "$0")"

# SRUN_ARGS is split into words on purpose (several srun options)
# shellcheck disable=SC2086
PYTHONPATH="$TOOLS/..":$PYTHONPATH \
srun -p "$PARTITION" \
    --job-name="$JOB_NAME" \
    --gres=gpu:"$GPUS_PER_NODE" \
    --ntasks="$GPUS" \
    --ntasks-per-node="$GPUS_PER_NODE" \
    --cpus-per-task="$CPUS_PER_TASK" \
    --kill-on-bad-exit=1 \
    $SRUN_ARGS \
    python -u "$TOOLS/train.py" "$CONFIG" --launcher=slurm "${@:4}"
