#!/usr/bin/env bash
# Evaluate on a Slurm cluster, one process per GPU, with mmseg's arguments:
#   [GPUS=4] [GPUS_PER_NODE=4] [CPUS_PER_TASK=5] [SRUN_ARGS="..."] \
#   bash tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args...]
exec bash "$(dirname "$0")/slurm_launch.sh" test.py "$@"
