# Shared by the GPU stages: paths, the unpacked node binary, the datasets (written once per machine).
WORK=/tmp/cinesim
DATA=$WORK/data
RUNS=$WORK/runs
OUT=${OUT:-$WORK/out}
mkdir -p "$WORK" "$RUNS" "$OUT"
export PYTHONUNBUFFERED=1
PY=${PYTHON:-python3}
# Minutes from now to the epoch second $1, at least half a minute: a run's budget from a deadline (END).
minutes_until() { "$PY" -c "print(max(0.5, round(($1 - $(date +%s)) / 60, 2)))"; }
if [ ! -x "$WORK/node" ]; then
  "$PY" -c "import lzma, shutil; shutil.copyfileobj(lzma.open('.gpu/node.xz'), open('$WORK/node', 'wb'))"
  chmod +x "$WORK/node"
fi
echo "node $($WORK/node --version); $("$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())')"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
# The video model's datasets (written once per machine); world.sh sets SKIP_T2V, it reads play recordings.
if [ -z "${SKIP_T2V:-}" ]; then
  if [ ! -f "$DATA/.done" ]; then
    t=$(date +%s)
    training/gpu/datasets.sh "$WORK/node" .gpu/cinesim.mjs "$DATA" "${CLIPS:-48000}"
    touch "$DATA/.done"
    echo "datasets written in $(( $(date +%s) - t )) s"
  fi
  folders() { ls -d "$DATA"/$1-p* | paste -sd, -; }
  TRAIN_DATA="$(folders t2v-64x64),$(folders t2v-112x64),$(folders t2v-64x112)"
  VAL_DATA="$DATA/val-64x64-p0"
fi
