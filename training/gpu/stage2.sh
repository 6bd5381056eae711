#!/usr/bin/env bash
# GPU stage 2: text encoder + DiT by flow matching on the stage-1 VAE's latents. MINUTES: training budget, or
# END: an epoch second it ends by (counted after the datasets).
# On a fresh machine it rewrites the datasets (same seeds, same bytes) and takes the committed VAE.
# INIT=training/checkpoints/shapes-64/dit.pt warm-starts the DiT from the shipped model's weights.
set -euo pipefail
cd "$(dirname "$0")/../.."
source training/gpu/common.sh
MINUTES=${MINUTES:-8}
[ -z "${END:-}" ] || MINUTES=$(minutes_until "$END")
VAE=$RUNS/vae/ckpt.pt
[ -f "$VAE" ] || VAE=training/checkpoints/shapes-64/vae.pt
"$PY" training/train_dit.py --data="$TRAIN_DATA" --val_data="$VAL_DATA" --vae="$VAE" --out="$RUNS/dit" \
  --batch=${BATCH:-128} --lr=${LR:-3e-4} --max_steps=100000 --max_minutes="$MINUTES" --eval_every=2000 \
  --checkpoint_every=4000 --log_every=250 ${INIT:+--init=$INIT} ${EXTRA:-} 2>&1 | tee "$OUT/dit.log"
"$PY" training/gpu/parts.py split "$RUNS/dit/ckpt.pt" "$OUT/dit" --half
