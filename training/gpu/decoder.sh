#!/usr/bin/env bash
# GPU: the shipped VAE's decoder fine-tuned alone (train_vae.py --train_encoder=false). The encoder and its
# latent normalisation stay as shipped, so the DiT trained beside it (all.sh) still generates latents this
# decoder reads. MINUTES: training budget, or END: an epoch second it ends by (counted after the datasets).
set -euo pipefail
cd "$(dirname "$0")/../.."
source training/gpu/common.sh
MINUTES=${MINUTES:-10}
[ -z "${END:-}" ] || MINUTES=$(minutes_until "$END")
"$PY" training/train_vae.py --data="$TRAIN_DATA" --val_data="$VAL_DATA" --out="$RUNS/vae-decoder" \
  --init=training/checkpoints/shapes-64/vae.pt --train_encoder=false --batch=${BATCH:-32} --lr=${LR:-5e-5} \
  --warmup=100 --max_steps=100000 --max_minutes="$MINUTES" --eval_every=1000 --log_every=200 ${EXTRA:-} 2>&1 | tee "$OUT/vae-decoder.log"
"$PY" training/gpu/parts.py split "$RUNS/vae-decoder/ckpt.pt" "$OUT/vae-decoder"
