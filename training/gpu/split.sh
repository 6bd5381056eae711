# Sourced by datasets.sh and world.sh: one dataset written by PROCS background processes, each its share of
# the clips (--start/--count, so the bytes are those of one process), into DIR/NAME-p0 … DIR/NAME-pK. Their
# pids are appended to the caller's `pids` array; wait for them.
#   split_dataset NODE CLI DIR NAME TOTAL PROCS DATASET_FLAGS...
split_dataset() {
  local node=$1 cli=$2 dir=$3 name=$4 total=$5 procs=$6
  shift 6
  local per=$(( (total + procs - 1) / procs )) p start n
  for ((p = 0; p < procs; p++)); do
    start=$(( p * per )); n=$(( total - start < per ? total - start : per ))
    (( n > 0 )) || continue
    "$node" "$cli" world dataset --quiet "$@" --start "$start" --count "$n" --out "$dir/$name-p$p" &
    pids+=($!)
  done
}
