#!/usr/bin/env bash
# Writes the default model's training and validation datasets with N parallel processes.
#   training/gpu/datasets.sh NODE CLI OUTDIR SCALE
# NODE: node binary; CLI: cinesim entry (bin/cinesim.mjs here, the esbuild bundle on the GPU machine);
# CLIPS: clips of the 1:1 bucket (16:9 and 9:16 get a third each). Seeds are fixed: the
# same command writes the same bytes anywhere. Validation uses its own seed, never seen in training.
set -euo pipefail
NODE=$1; CLI=$2; OUT=$3; CLIPS=${4:-48000}
PROCS=${PROCS:-$(nproc)}
mkdir -p "$OUT"
pids=()
source "$(dirname "$0")/split.sh"
# bucket name, size, clips, seed, processes
run_bucket() {
  split_dataset "$NODE" "$CLI" "$OUT" "$1" "$3" "$5" --kind t2v --size "$2" --seconds 2 --fps 8 --seed "$4"
}
big=$CLIPS; side=$(( CLIPS / 3 ))
procs_big=$(( PROCS * 45 / 100 > 0 ? PROCS * 45 / 100 : 1 )); procs_side=$(( PROCS * 25 / 100 > 0 ? PROCS * 25 / 100 : 1 ))
run_bucket t2v-64x64 64x64 $big 1 $procs_big
run_bucket t2v-112x64 112x64 $side 11 $procs_side
run_bucket t2v-64x112 64x112 $side 21 $procs_side
run_bucket val-64x64 64x64 $(( CLIPS < 512 ? CLIPS : 512 )) 2 1
for pid in "${pids[@]}"; do wait "$pid"; done
du -sh "$OUT"
