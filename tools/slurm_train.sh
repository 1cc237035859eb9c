#!/usr/bin/env bash
# Train on a Slurm cluster, one process per GPU, with mmseg's arguments:
#   [GPUS=4] [GPUS_PER_NODE=4] [CPUS_PER_TASK=5] [SRUN_ARGS="..."] \
#   bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG [train.py args...]
# e.g. GPUS=8 bash tools/slurm_train.sh gpu fada configs/fada/fada_r101_gta2cs.py
exec bash "$(dirname "$0")/slurm_launch.sh" train.py "$@"
