#!/usr/bin/env bash
# Entry for device calls (the `run` tool): `start` launches $PIPELINE (pipeline.sh: the video model;
# world.sh: the world model) detached and watches it for up to WATCH seconds; `watch` keeps watching. Both
# copy whatever results exist into $OUT before returning.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p /tmp/cinesim
PIPELINE=${PIPELINE:-pipeline.sh}
if [ "${1:-}" = "start" ]; then
  rm -f /tmp/cinesim/pipeline.done
  setsid nohup bash "training/gpu/$PIPELINE" > /tmp/cinesim/pipeline.log 2>&1 < /dev/null &
fi
deadline=$(( $(date +%s) + ${WATCH:-560} ))
while [ "$(date +%s)" -lt "$deadline" ] && [ ! -f /tmp/cinesim/pipeline.done ]; do
  sleep 15
  pgrep -f "$PIPELINE" >/dev/null || break   # finished or failed: report now
done
nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader || true
tail -n 25 /tmp/cinesim/pipeline.log
for d in /tmp/cinesim/stage1 /tmp/cinesim/stage2 /tmp/cinesim/out; do [ -d "$d" ] && tail -n 4 "$d"/*.log; done
tail -n 3 /tmp/cinesim/*.out 2>/dev/null
cp /tmp/cinesim/stage1/*.part /tmp/cinesim/stage2/*.part /tmp/cinesim/out/*.part "$OUT"/ 2>/dev/null
tar czf "$OUT/logs.tgz" -C /tmp/cinesim pipeline.log $(cd /tmp/cinesim && ls -d *.out stage1/*.log stage2/*.log out/*.log 2>/dev/null) 2>/dev/null
ls -la "$OUT"
[ -f /tmp/cinesim/pipeline.done ] && echo PIPELINE DONE
