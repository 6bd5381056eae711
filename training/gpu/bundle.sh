#!/usr/bin/env bash
# Prepares .gpu/ (git-ignored, carried to the GPU machine): this machine's node binary, compressed, and the
# cinesim CLI bundled into one file without native modules, enough for `cinesim world dataset`.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .gpu
[ -f .gpu/node.xz ] || xz -T2 -6 -c "$(command -v node)" > .gpu/node.xz
node_modules/.bin/esbuild src/cli/main.ts --bundle --platform=node --format=esm --target=node20 \
  --alias:sharp=./training/gpu/no-native.mjs --alias:onnxruntime-node=./training/gpu/no-native.mjs --outfile=.gpu/cinesim-main.mjs --log-level=warning \
  --banner:js="import { createRequire as bannerRequire } from 'node:module'; const require = bannerRequire(import.meta.url);"
cat > .gpu/cinesim.mjs <<'JS'
import { main } from './cinesim-main.mjs';
process.exitCode = await main(process.argv.slice(2));
JS
ls -la .gpu
