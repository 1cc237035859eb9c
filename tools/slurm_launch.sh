#!/usr/bin/env bash
# Shared by slurm_train.sh and slurm_test.sh: run tools/SCRIPT on a Slurm
# partition, one process per GPU, with mmseg's environment variables:
#   [GPUS=4] [GPUS_PER_NODE=4] [CPUS_PER_TASK=5] [SRUN_ARGS="..."] \
#   bash tools/slurm_launch.sh SCRIPT PARTITION JOB_NAME [SCRIPT args...]
set -x

SCRIPT=$1
PARTITION=$2
JOB_NAME=$3
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
    python -u "$TOOLS/$SCRIPT" --launcher=slurm "${@:4}"
