#!/usr/bin/env bash
# Installs what Cinesim needs on a Debian machine, idempotently (fast when everything is present).
#   ./setup.sh         runtime: ffmpeg + npm packages
#   ./setup.sh --dev   also what the tests use: PyTorch/ONNX for the training smoke test, Chromium for the
#                      studio's browser tests
set -euo pipefail
cd "$(dirname "$0")"
dev=false
[ "${1:-}" = "--dev" ] && dev=true

missing=()
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || missing+=(ffmpeg)
if $dev; then
  /usr/bin/python3 -c "import torch, onnx, numpy" 2>/dev/null || missing+=(python3-torch python3-onnx python3-numpy)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || missing+=(fonts-wqy-microhei)   # Chinese text in screenshots
fi
if (( ${#missing[@]} )); then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages, only when the lockfile changed since the last install. `npm install` rather than `npm ci`:
# npm 11.19 writes lockfiles without other platforms' optional packages (rollup's) and then its own
# `npm ci` refuses them; `npm install` installs the locked versions all the same.
stamp=node_modules/.cinesim-lock
lock=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock" ]; then
  echo "setup: npm install" >&2
  npm install --no-audit --no-fund --loglevel=error
  sha256sum package-lock.json | cut -d' ' -f1 > "$stamp"
fi

# The web studio (web/dist), rebuilt only when its sources changed; `cinesim serve` would build it too.
node bin/run-ts.mjs web/build.ts
