#!/usr/bin/env bash
# Runs every benchmark scenario against one or more 3-peer clusters, one cluster at a time,
# alternating the order over rounds, and prints a table of the medians.
#
#   bench/compare.sh [--rounds N] [--memory-rounds M] [--duration 10s] [--fill-keys 100000] etcd [capstan]
#
# --memory-rounds M (default: all rounds) runs the memory phase in the first M rounds only; filling
# 100,000 keys takes minutes on a slow cluster, and the RSS figure moves little between rounds.
#
# Per round and cluster there are two phases, each on a freshly started cluster:
#   memory: idle RSS of every peer (VmRSS from /proc/PID/status) 5 s after start, then fill
#           N keys of 1 KiB, then RSS again 5 s later;
#   perf:   put at 1, 16 and 256 in flight; get linearizable and serializable at 16 in flight;
#           watch fan-out (100 watchers, 100 puts/s); leader failover (200 puts/s, leader
#           killed with SIGKILL after 4 s).
# Results (one JSON line per scenario, plus the machine's load average at its start) go to
# $BENCH_OUT (default /tmp/capstan-bench-results.<time>), and the table to $BENCH_OUT/table.md.
# Build the jar first: mvn -B -q install -DskipTests
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${BENCH_JAR:-$ROOT/bench/target/capstan-bench.jar}
ROUNDS=3
MEMORY_ROUNDS=
DURATION=10s
FILL_KEYS=100000
CLUSTERS=()
while (($#)); do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --memory-rounds) MEMORY_ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --fill-keys) FILL_KEYS=$2; shift 2 ;;
    etcd|capstan) CLUSTERS+=("$1"); shift ;;
    *) echo "usage: $0 [--rounds N] [--memory-rounds M] [--duration 10s] [--fill-keys N] etcd [capstan]" >&2; exit 2 ;;
  esac
done
MEMORY_ROUNDS=${MEMORY_ROUNDS:-$ROUNDS}
((${#CLUSTERS[@]})) || CLUSTERS=(etcd)
[[ -f "$JAR" ]] || { echo "compare: $JAR missing; run mvn -B -q install -DskipTests" >&2; exit 1; }
command -v jq >/dev/null || { echo "compare: jq is required" >&2; exit 1; }
OUT=${BENCH_OUT:-/tmp/capstan-bench-results.$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

# ---- cluster adapters: cluster_<verb> NAME [ARG] ---------------------------------------------
# Each cluster offers: up, down, stop N (kill -9 peer N, 1-based), endpoints, pids (one per line).

CAPSTAN_SCRIPT=$ROOT/deploy/local/store-cluster.sh
CAPSTAN_ENDPOINTS=127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379
# store-cluster.sh keeps its data (and pid files) across 'down'; every phase must start empty, so
# the bench gives it a directory of its own and removes it after 'down'. Exported, so the
# failover scenario's kill command ('store-cluster.sh stop N') finds the same pid files.
export CAPSTAN_STORE_DIR=${BENCH_CAPSTAN_STATE_DIR:-/tmp/capstan-bench-store-state}
# The peers' JVM options (store-cluster.sh's default unless set); recorded in machine.txt.
export CAPSTAN_STORE_JAVA_OPTS=${CAPSTAN_STORE_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC}

cluster_script() {
  case "$1" in
    etcd) echo "$ROOT/bench/etcd-cluster.sh" ;;
    capstan) echo "$CAPSTAN_SCRIPT" ;;
  esac
}

cluster_endpoints() {
  case "$1" in
    etcd) "$ROOT/bench/etcd-cluster.sh" endpoints ;;
    capstan) echo "$CAPSTAN_ENDPOINTS" ;;
  esac
}

cluster_pids() {
  case "$1" in
    etcd) "$ROOT/bench/etcd-cluster.sh" pids ;;
    capstan)
      # ==== CAPSTAN HOOK ====================================================================
      # deploy/local/store-cluster.sh prints one pid per running peer for 'pids', like
      # bench/etcd-cluster.sh. No pids means the memory rows stay empty.
      "$CAPSTAN_SCRIPT" pids 2>/dev/null || true
      # =====================================================================================
      ;;
  esac
}

cluster_verb() {
  local name=$1; shift
  local script
  script=$(cluster_script "$name")
  [[ -x "$script" ]] || { echo "compare: $script missing or not executable" >&2; return 1; }
  if [[ $name == capstan && $1 == up && -n "$(ls -A "$CAPSTAN_STORE_DIR" 2>/dev/null)" ]]; then
    echo "compare: $CAPSTAN_STORE_DIR is not empty (a cluster left running?); run" \
      "CAPSTAN_STORE_DIR=$CAPSTAN_STORE_DIR $script down, then remove it" >&2
    return 1
  fi
  if [[ $name == capstan && $1 == up ]]; then
    # The client and peer ports are fixed; a cluster of someone else's (another checkout, a test)
    # on them would answer in place of ours, so refuse to measure unless all three ports are free.
    if ss -ltn 2>/dev/null | grep -qE '127\.0\.0\.1:(2379|22379|32379|2380|22380|32380) '; then
      echo "compare: Capstan's ports are taken by another process:" >&2
      ss -ltnp 2>/dev/null | grep -E ':(2379|22379|32379|2380|22380|32380) ' >&2 || true
      return 1
    fi
  fi
  # Called as 'cluster_verb ... || ...', so errexit is off in here: carry the script's status.
  local rc=0
  "$script" "$@" || rc=$?
  if [[ $1 == up && $rc -ne 0 ]]; then
    echo "compare: $name 'up' failed (exit $rc); stopping what it started" >&2
    "$script" down >&2 || true
    if [[ $name == capstan ]]; then rm -rf "$CAPSTAN_STORE_DIR"; fi
    return "$rc"
  fi
  if [[ $name == capstan && $1 == up && $("$script" pids | wc -l) -ne 3 ]]; then
    echo "compare: not all three Capstan peers are running after 'up'; their logs go to $OUT/capstan-logs" >&2
    "$script" down >&2 || true
    mkdir -p "$OUT/capstan-logs"
    cp "$CAPSTAN_STORE_DIR"/s*/peer.log "$OUT/capstan-logs/" 2>/dev/null || true
    rm -rf "$CAPSTAN_STORE_DIR"
    return 1
  fi
  if [[ $name == capstan && $1 == down ]]; then
    # Keep the peers' logs of the last phase for a look after the run, drop the data.
    mkdir -p "$OUT/capstan-logs"
    for n in 1 2 3; do
      [[ -f "$CAPSTAN_STORE_DIR/s$n/peer.log" ]] && cp "$CAPSTAN_STORE_DIR/s$n/peer.log" "$OUT/capstan-logs/s$n.log"
    done
    rm -rf "$CAPSTAN_STORE_DIR"
  fi
  return "$rc"
}

# ---- measuring ------------------------------------------------------------------------------

# bench NAME FILE SCENARIO ARGS...: runs one scenario, keeps its JSON line with the load average.
bench() {
  local name=$1 file=$2; shift 2
  local load line rc=0
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "  $(date +%T) $name: $*" >&2
  # The tool exits 1 when a run is incomplete (e.g. fill with failed puts) but still prints its
  # summary; keep it (with the exit status) instead of dropping the scenario, and keep the output.
  java -Xms256m -Xmx1g -jar "$JAR" "$@" --endpoints "$(cluster_endpoints "$name")" \
    >"${file%.json}.out" 2>>"$OUT/stderr.log" || rc=$?
  line=$(grep '^{"scenario"' "${file%.json}.out" | tail -1 || true)
  if [[ -z "$line" ]]; then
    echo "  $name: $1 produced no summary (exit $rc); see ${file%.json}.out and $OUT/stderr.log" >&2
    return 0
  fi
  ((rc == 0)) || echo "  $name: $1 exited $rc (incomplete run); summary kept" >&2
  jq -c --arg load "$load" --argjson rc "$rc" '. + {loadavg: $load, exitStatus: $rc}' <<<"$line" >"$file"
}

# rss_json NAME: {"rssKiB":[...]} for every live peer pid of the cluster.
rss_json() {
  local pid kib list=()
  for pid in $(cluster_pids "$1"); do
    [[ "$pid" =~ ^[0-9]+$ && -r /proc/$pid/status ]] || continue
    kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
    list+=("$kib")
  done
  jq -cn --argjson v "[$(IFS=,; echo "${list[*]:-}")]" '{rssKiB: $v}'
}

memory_phase() {
  local name=$1 dir=$2 idle filled
  cluster_verb "$name" up >&2 || { echo "  $name: memory phase skipped (cluster not up)" >&2; return 0; }
  sleep 5
  idle=$(rss_json "$name")
  bench "$name" "$dir/fill.json" fill --keys "$FILL_KEYS" --value-size 1024 --in-flight 256 --max-duration 10m
  sleep 5
  filled=$(rss_json "$name")
  jq -cn --argjson idle "$idle" --argjson filled "$filled" --arg keys "$FILL_KEYS" \
    '{scenario: "memory", keys: ($keys|tonumber), idleRssKiB: $idle.rssKiB, filledRssKiB: $filled.rssKiB}' \
    >"$dir/memory.json"
  cluster_verb "$name" down >&2
}

perf_phase() {
  local name=$1 dir=$2 n
  local d=(--duration "$DURATION" --warmup 2s)
  cluster_verb "$name" up >&2 || { echo "  $name: perf phase skipped (cluster not up)" >&2; return 0; }
  for n in 1 16 256; do
    bench "$name" "$dir/put-$n.json" put --in-flight "$n" --value-size 256 "${d[@]}"
  done
  bench "$name" "$dir/get-l.json" get --consistency l --in-flight 16 "${d[@]}"
  bench "$name" "$dir/get-s.json" get --consistency s --in-flight 16 "${d[@]}"
  bench "$name" "$dir/watch.json" watch --watchers 100 --rate 100 --duration "$DURATION"
  # The kill command runs the cluster script's own 'stop N', so both clusters die the same way.
  bench "$name" "$dir/failover.json" failover --rate 200 --duration 15s --kill-after 4s \
    --kill-cmd "$(cluster_script "$name") stop \$BENCH_LEADER_INDEX"
  cluster_verb "$name" down >&2
}

{
  echo "host: $(hostname) nproc=$(nproc) mem=$(free -m | awk '/^Mem:/ {print $2}')MiB"
  echo "loadavg at start: $(cat /proc/loadavg)"
  echo "etcd: $(/usr/bin/etcd --version 2>/dev/null | head -1 || echo missing)"
  java -version 2>&1 | head -1
  echo "capstan peers' JVM options: $CAPSTAN_STORE_JAVA_OPTS"
  echo "bench JVM options: -Xms256m -Xmx1g"
  echo "other busy processes at start:"
  ps -eo pid,pcpu,etime,comm --sort=-pcpu | head -6
} >"$OUT/machine.txt"

for ((round = 1; round <= ROUNDS; round++)); do
  order=("${CLUSTERS[@]}")
  if ((round % 2 == 0)); then
    order=()
    for ((i = ${#CLUSTERS[@]} - 1; i >= 0; i--)); do order+=("${CLUSTERS[$i]}"); done
  fi
  for name in "${order[@]}"; do
    echo "round $round: $name" >&2
    dir=$OUT/$name/r$round
    mkdir -p "$dir"
    if ((round <= MEMORY_ROUNDS)); then memory_phase "$name" "$dir"; fi
    perf_phase "$name" "$dir"
  done
done

# ---- medians --------------------------------------------------------------------------------

# median NAME FILE JQ_EXPR: median over rounds of one number, or "-" when no round has it.
median() {
  local name=$1 file=$2 expr=$3
  local files=("$OUT/$name"/r*/"$file")
  [[ -f "${files[0]}" ]] || { echo "-"; return; }
  jq -s "map($expr) | map(select(. != null)) | sort
    | if length == 0 then \"-\"
      elif length % 2 == 1 then .[length / 2 | floor]
      else (.[length / 2 - 1] + .[length / 2]) / 2 end
    | if type == \"number\" then (. * 10 | round / 10) else . end" "${files[@]}"
}

# row LABEL FILE TARGET EXPR...: one table row; several expressions give "median1 / median2".
row() {
  local label=$1 file=$2 target=$3 name cells="" cell expr
  shift 3
  for name in etcd capstan; do
    if [[ " ${CLUSTERS[*]} " == *" $name "* ]]; then
      cell=""
      for expr in "$@"; do cell+="${cell:+ / }$(median "$name" "$file" "$expr")"; done
      cells+=" | $cell"
    else
      cells+=" | pending"
    fi
  done
  echo "| $label$cells | $target |"
}

MEAN_MIB='(if length == 0 then null else (add / length / 1024) end)'
{
  echo "| Measure (median of $ROUNDS rounds; memory and fill: $MEMORY_ROUNDS) | etcd 3.4 | Capstan | Target |"
  echo "|---|---|---|---|"
  for n in 1 16 256; do
    t1="" t2=""
    if [[ $n == 256 ]]; then t1=">= etcd, aim 1.5x"; t2="p99 <= etcd"; fi
    row "put 256 B, $n in flight: ops/s" "put-$n.json" "$t1" .throughput
    row "put 256 B, $n in flight: p50 / p99 / max ms" "put-$n.json" "$t2" .p50Ms .p99Ms .maxMs
  done
  row "get linearizable, 16 in flight: ops/s" get-l.json ">= etcd" .throughput
  row "get linearizable: p50 / p99 / max ms" get-l.json "<= etcd" .p50Ms .p99Ms .maxMs
  row "get serializable, 16 in flight: ops/s" get-s.json ">= etcd" .throughput
  row "get serializable: p50 / p99 / max ms" get-s.json "<= etcd" .p50Ms .p99Ms .maxMs
  row "watch, 100 watchers, 100 puts/s: delivery p50 / p99 / max ms" watch.json "<= etcd" .p50Ms .p99Ms .maxMs
  row "watch: events delivered / expected" watch.json "all" .eventsDelivered .eventsExpected
  row "failover: longest gap between acked writes, ms" failover.json "< 2000" .maxGapMs
  row "RSS per peer, idle: mean / max MiB" memory.json "report" \
    ".idleRssKiB | $MEAN_MIB" "(.idleRssKiB | max / 1024)"
  row "RSS per peer after $FILL_KEYS keys of 1 KiB: mean / max MiB" memory.json "<= 2x etcd" \
    ".filledRssKiB | $MEAN_MIB" "(.filledRssKiB | max / 1024)"
  row "fill $FILL_KEYS keys of 1 KiB, 256 in flight: ops/s" fill.json "" .throughput
} | tee "$OUT/table.md"
echo "results in $OUT" >&2
