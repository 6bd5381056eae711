#!/usr/bin/env bash
# The video model and the world model side by side on one GPU machine, meant to run detached like
# pipeline.sh (device.sh start with PIPELINE=all.sh): either alone leaves most of an H100 idle (small
# kernels), so one device lease trains both. The datasets first, then until one deadline:
#   - the DiT + text encoder warm-started from the shipped model on its VAE (stage2.sh, INIT);
#   - with DECODER=1, the VAE's decoder fine-tuned alone on the same latents (decoder.sh; EXTRA_DECODER flags);
#   - world runs as listed in WORLDS, "name|init|extra flags;…" (world.sh each; init "none" = from scratch).
#   TOTAL_MINUTES: wall budget from the start to the last checkpoint; DIT_BATCH, DIT_LR.
# The first world run writes the game datasets; the others wait for them (world.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
deadline=$(( start + ${TOTAL_MINUTES:-22} * 60 ))
WORK=/tmp/cinesim
mkdir -p "$WORK"

OUT=$WORK/stage2 bash -c 'source training/gpu/common.sh'    # node and the video datasets, once
# Training ends before the deadline by what follows it: the DiT's final evaluation and parts take longer.
END=$(( deadline - 120 )) INIT=training/checkpoints/shapes-64/dit.pt BATCH=${DIT_BATCH:-128} LR=${DIT_LR:-3e-4} \
  OUT=$WORK/stage2 bash training/gpu/stage2.sh > "$WORK/dit.out" 2>&1 &
pids=($!)
if [ "${DECODER:-0}" != 0 ]; then
  END=$(( deadline - 60 )) EXTRA=${EXTRA_DECODER:-} bash training/gpu/decoder.sh > "$WORK/decoder.out" 2>&1 &
  pids+=($!)
fi
WORLDS=${WORLDS:-"world|training/checkpoints/world-64/world.pt|"}
IFS=';' read -ra runs <<< "$WORLDS"
for run in "${runs[@]}"; do
  IFS='|' read -r name init extra <<< "$run"
  NAME=$name INIT=$init EXTRA=$extra DONE=$WORK/$name.done END=$(( deadline - 60 )) \
    bash training/gpu/world.sh > "$WORK/$name.out" 2>&1 &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
echo "all runs finished (status $status) after $(( ($(date +%s) - start) / 60 )) min"
touch "$WORK/pipeline.done"
