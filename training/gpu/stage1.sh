#!/usr/bin/env bash
# GPU stage 1: datasets, then the VAE and the probe trained side by side. MINUTES: training budget.
set -euo pipefail
cd "$(dirname "$0")/../.."
source training/gpu/common.sh
MINUTES=${MINUTES:-6}
"$PY" training/train_vae.py --data="$TRAIN_DATA" --val_data="$VAL_DATA" --out="$RUNS/vae" --batch=32 --lr=5e-4 \
  --max_steps=100000 --max_minutes="$MINUTES" --eval_every=2000 --log_every=200 ${EXTRA_VAE:-} > "$OUT/vae.log" 2>&1 &
vae=$!
"$PY" training/train_probe.py --data="$TRAIN_DATA" --val_data="$VAL_DATA" --out="$RUNS/probe" --batch=64 \
  --max_steps=100000 --max_minutes="$MINUTES" --eval_every=2000 --log_every=200 --max_clips=3000 ${EXTRA_PROBE:-} > "$OUT/probe.log" 2>&1 &
probe=$!
wait $vae; wait $probe
tail -n 3 "$OUT/vae.log" "$OUT/probe.log"
"$PY" training/gpu/parts.py split "$RUNS/vae/ckpt.pt" "$OUT/vae"
"$PY" training/gpu/parts.py split "$RUNS/probe/ckpt.pt" "$OUT/probe"
