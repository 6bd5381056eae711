#!/usr/bin/env bash
# Entry for device calls (the `run` tool): `start` launches pipeline.sh detached and watches it for up to
# WATCH seconds; `watch` keeps watching. Both copy whatever results exist into $OUT before returning.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p /tmp/cinesim
if [ "${1:-}" = "start" ]; then
  setsid nohup bash training/gpu/pipeline.sh > /tmp/cinesim/pipeline.log 2>&1 < /dev/null &
fi
deadline=$(( $(date +%s) + ${WATCH:-560} ))
while [ "$(date +%s)" -lt "$deadline" ] && [ ! -f /tmp/cinesim/pipeline.done ]; do
  sleep 15
  pgrep -f pipeline.sh >/dev/null || break   # finished or failed: report now
done
nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader || true
tail -n 25 /tmp/cinesim/pipeline.log
for d in /tmp/cinesim/stage1 /tmp/cinesim/stage2; do [ -d "$d" ] && tail -n 4 "$d"/*.log; done
cp /tmp/cinesim/stage1/*.part /tmp/cinesim/stage2/*.part "$OUT"/ 2>/dev/null
tar czf "$OUT/logs.tgz" -C /tmp/cinesim pipeline.log $(cd /tmp/cinesim && ls -d stage1/*.log stage2/*.log 2>/dev/null) 2>/dev/null
ls -la "$OUT"
[ -f /tmp/cinesim/pipeline.done ] && echo PIPELINE DONE
