#!/usr/bin/env bash
# The world model on one GPU machine, meant to run detached like pipeline.sh (device.sh start with
# PIPELINE=world.sh): the game datasets (same commands and seeds as docs/TRAINING.md, split over processes),
# then train_world.py warm-started from the shipped weights until MINUTES, then the checkpoint in parts.
#   MINUTES: training budget; BATCH, LR, INIT (default training/checkpoints/world-64/world.pt; "none" trains
#   from scratch), EXTRA: more flags; NAME: the run's folder, log and parts (several runs side by side, all.sh);
#   DONE: the flag written at the end (device.sh's by default); END: an epoch second the training ends by,
#   instead of MINUTES (counted after the datasets); EPISODES: training episodes (640; fewer for a dry run).
set -euo pipefail
cd "$(dirname "$0")/../.."
export OUT=/tmp/cinesim/out     # not the device call's $OUT: this outlives the call; device.sh copies from here
export SKIP_T2V=1
source training/gpu/common.sh   # node, python, $WORK, $RUNS
MINUTES=${MINUTES:-15}
NAME=${NAME:-world}
INIT=${INIT:-training/checkpoints/world-64/world.pt}
GAME=$WORK/game
if ! mkdir "$GAME" 2>/dev/null; then     # written, or being written by a run beside this one (all.sh)
  while [ ! -f "$GAME/.done" ]; do sleep 5; done
else
  t=$(date +%s)
  source training/gpu/split.sh
  pids=(); procs=$(( $(nproc) > 2 ? $(nproc) - 1 : 1 ))
  split_dataset "$WORK/node" .gpu/cinesim.mjs "$GAME" train ${EPISODES:-640} $procs --kind game --seconds 16 --fps 12 --seed 1 --shard-size 160
  split_dataset "$WORK/node" .gpu/cinesim.mjs "$GAME" val 32 1 --kind game --seconds 16 --fps 12 --seed 2
  for pid in "${pids[@]}"; do wait "$pid"; done
  touch "$GAME/.done"
  echo "game datasets written in $(( $(date +%s) - t )) s"
fi
[ -z "${END:-}" ] || MINUTES=$(minutes_until "$END")
"$PY" training/train_world.py --data="$(ls -d "$GAME"/train-p* | paste -sd, -)" --val_data="$GAME/val-p0" --out="$RUNS/$NAME" \
  $([ "$INIT" = none ] || echo "--init=$INIT") --batch=${BATCH:-128} --lr=${LR:-1e-3} --warmup=500 \
  --warp=true --anchor=true --s_one=0.8 --rollout_from=0 --rollout_horizon=8 --max_steps=1000000 --max_minutes="$MINUTES" \
  --eval_every=2000 --log_every=200 --threads=8 ${EXTRA:-} 2>&1 | tee "$OUT/$NAME.log"
"$PY" training/gpu/parts.py split "$RUNS/$NAME/ckpt.pt" "$OUT/$NAME" --half
touch "${DONE:-$WORK/pipeline.done}"
