#!/usr/bin/env bash
# The whole default-model training on one GPU machine, meant to run detached (setsid) so that it spans
# several device calls: datasets, then VAE + probe side by side, then text encoder + DiT until a deadline.
#   TOTAL_MINUTES: wall budget from start to the DiT checkpoint; VAE_MINUTES: the VAE/probe stage.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
TOTAL_MINUTES=${TOTAL_MINUTES:-19}
export MINUTES=${VAE_MINUTES:-5.5}
OUT=/tmp/cinesim/stage1 bash training/gpu/stage1.sh
export MINUTES=$(python3 -c "print(max(0.5, round(($start + $TOTAL_MINUTES * 60 - $(date +%s) - 90) / 60, 2)))")
echo "DiT budget: $MINUTES minutes"
OUT=/tmp/cinesim/stage2 bash training/gpu/stage2.sh
touch /tmp/cinesim/pipeline.done
