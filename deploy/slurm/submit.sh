#!/usr/bin/env bash
# Submits the sample array and a merge job that starts only once every array task succeeded.
#   BESTOFN_SHARED=/shared/bestofn BESTOFN_MODEL=... deploy/slurm/submit.sh [shards, default 16] [sbatch options...]
# The BESTOFN_* variables of sample-array.sbatch and merge.sbatch pass through (sbatch exports the environment by default).
# sbatch options after the shard count go to both jobs and override the scripts' #SBATCH lines: --partition=gpu --account=me, or
# on a cluster without GPUs (deploy/slurm/single-node.sh's): --gres=none --cpus-per-task=1 --mem=2G.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shards="${1:-16}"
shift || true
array=$(sbatch --parsable --array=0-$((shards - 1)) "$@" "$here/sample-array.sbatch")
array="${array%%;*}"
merge=$(sbatch --parsable --dependency=afterok:"$array" --export=ALL,BESTOFN_SHARDS="$shards" "$@" "$here/merge.sbatch")
merge="${merge%%;*}"
echo "sample array: job $array ($shards tasks); merge: job $merge (after all of them succeed)"
echo "watch: squeue -j $array,$merge    coverage: the merge job's log, bestofn-merge-$merge.log"
